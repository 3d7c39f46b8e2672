// Go's sort.Sort as kubectl (built with Go 1.23) runs it for --sort-by. It is not stable: rows whose keys tie
// come out in whatever order the pattern-defeating quicksort leaves them, so to print kubectl's row order we
// must make the same comparisons and the same swaps in the same sequence. The outline, in our words:
//   - up to 12 elements: plain insertion sort;
//   - otherwise pick a pivot (fixed index under 8 elements, median of three under 50, Tukey's ninther above),
//     counting the swaps that picking made: none hints "already increasing", all twelve "decreasing" (reverse it);
//   - when the last split was balanced and nothing moved, try a bounded insertion pass and stop if sorted;
//   - when the element before this range is not less than the pivot, the range holds many equal keys: split it
//     into "equal to the pivot" and "greater" and go on with the greater part;
//   - otherwise partition around the pivot, recurse into the smaller side and loop on the larger;
//   - after an unbalanced split (a side under 1/8 of the range), scatter three middle elements with a xorshift
//     generator seeded by the range's length (deterministic); after log2(n) such splits, fall back to heapsort.
// `less(i, j)` and `swap(i, j)` act on positions, like Go's sort.Interface; less need not be a strict order
// (kubectl's is not: a missing key is "less" than everything, even another missing key).

export interface Sortable {
  len: number;
  less(i: number, j: number): boolean;
  swap(i: number, j: number): void;
}

/** The number of bits needed to write n (Go's bits.Len). */
function bitLength(n: number): number {
  let b = 0;
  while (n > 0) {
    b++;
    n = Math.floor(n / 2);
  }
  return b;
}

/** Sorts in place as Go's sort.Sort does. */
export function goSort(data: Sortable): void {
  const n = data.len;
  if (n <= 1) return;
  pdq(data, 0, n, bitLength(n));
}

/** Sorts an array with a less function the way Go's sort.Sort would order it; returns a new array. */
export function goSortArray<T>(items: readonly T[], less: (a: T, b: T) => boolean): T[] {
  const a = [...items];
  goSort({
    len: a.length,
    less: (i, j) => less(a[i], a[j]),
    swap: (i, j) => {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    },
  });
  return a;
}

const UNKNOWN = 0;
const INCREASING = 1;
const DECREASING = 2;

function insertion(d: Sortable, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) for (let j = i; j > a && d.less(j, j - 1); j--) d.swap(j, j - 1);
}

function siftDown(d: Sortable, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && d.less(first + child, first + child + 1)) child++;
    if (!d.less(first + root, first + child)) return;
    d.swap(first + root, first + child);
    root = child;
  }
}

function heap(d: Sortable, a: number, b: number): void {
  const hi = b - a;
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(d, i, hi, a);
  for (let i = hi - 1; i >= 0; i--) {
    d.swap(a, a + i);
    siftDown(d, 0, i, a);
  }
}

function pdq(d: Sortable, a: number, b: number, limit: number): void {
  let balanced = true;
  let partitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= 12) {
      insertion(d, a, b);
      return;
    }
    if (limit === 0) {
      heap(d, a, b);
      return;
    }
    if (!balanced) {
      scatter(d, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(d, a, b);
    if (hint === DECREASING) {
      reverse(d, a, b);
      pivot = b - 1 - (pivot - a);
      hint = INCREASING;
    }
    if (balanced && partitioned && hint === INCREASING && partialInsertion(d, a, b)) return;
    if (a > 0 && !d.less(a - 1, pivot)) {
      a = partitionEqual(d, a, b, pivot);
      continue;
    }
    const [mid, already] = partition(d, a, b, pivot);
    partitioned = already;
    const left = mid - a;
    const right = b - mid;
    const threshold = Math.floor(length / 8);
    if (left < right) {
      balanced = left >= threshold;
      pdq(d, a, mid, limit);
      a = mid + 1;
    } else {
      balanced = right >= threshold;
      pdq(d, mid + 1, b, limit);
      b = mid;
    }
  }
}

function partition(d: Sortable, a: number, b: number, pivot: number): [number, boolean] {
  d.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && d.less(i, a)) i++;
  while (i <= j && !d.less(j, a)) j--;
  if (i > j) {
    d.swap(j, a);
    return [j, true];
  }
  d.swap(i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && d.less(i, a)) i++;
    while (i <= j && !d.less(j, a)) j--;
    if (i > j) break;
    d.swap(i, j);
    i++;
    j--;
  }
  d.swap(j, a);
  return [j, false];
}

function partitionEqual(d: Sortable, a: number, b: number, pivot: number): number {
  d.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !d.less(a, i)) i++;
    while (i <= j && d.less(a, j)) j--;
    if (i > j) break;
    d.swap(i, j);
    i++;
    j--;
  }
  return i;
}

function partialInsertion(d: Sortable, a: number, b: number): boolean {
  let i = a + 1;
  for (let step = 0; step < 5; step++) {
    while (i < b && !d.less(i, i - 1)) i++;
    if (i === b) return true;
    if (b - a < 50) return false;
    d.swap(i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!d.less(j, j - 1)) break;
        d.swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!d.less(j, j - 1)) break;
        d.swap(j, j - 1);
      }
    }
  }
  return false;
}

const MASK64 = (1n << 64n) - 1n;

/** Three swaps around the middle, at positions drawn from a 64-bit xorshift (shifts 13, 17, 5) seeded by the length. */
function scatter(d: Sortable, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let r = BigInt(length);
  const modulus = BigInt(2 ** bitLength(length));
  const start = a + Math.floor(length / 4) * 2 - 1;
  for (let idx = start; idx <= start + 2; idx++) {
    r ^= (r << 13n) & MASK64;
    r ^= r >> 17n;
    r ^= (r << 5n) & MASK64;
    let other = Number(r & (modulus - 1n));
    if (other >= length) other -= length;
    d.swap(idx, a + other);
  }
}

function choosePivot(d: Sortable, a: number, b: number): [number, number] {
  const l = b - a;
  const swaps = { n: 0 };
  let i = a + Math.floor(l / 4);
  let j = a + Math.floor(l / 4) * 2;
  let k = a + Math.floor(l / 4) * 3;
  if (l >= 8) {
    if (l >= 50) {
      i = median(d, i - 1, i, i + 1, swaps);
      j = median(d, j - 1, j, j + 1, swaps);
      k = median(d, k - 1, k, k + 1, swaps);
    }
    j = median(d, i, j, k, swaps);
  }
  if (swaps.n === 0) return [j, INCREASING];
  if (swaps.n === 12) return [j, DECREASING];
  return [j, UNKNOWN];
}

function median(d: Sortable, a: number, b: number, c: number, swaps: { n: number }): number {
  const order = (x: number, y: number): [number, number] => {
    if (d.less(y, x)) {
      swaps.n++;
      return [y, x];
    }
    return [x, y];
  };
  [a, b] = order(a, b);
  [b, c] = order(b, c);
  [a, b] = order(a, b);
  return b;
}

function reverse(d: Sortable, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) d.swap(i, j);
}
