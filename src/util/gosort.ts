// Go's sort.Sort (pattern-defeating quicksort, insertion sort under 13 elements), for output that kubectl
// orders with an unstable sort: elements that compare equal (events seen in the same second) end up where
// Go's algorithm puts them, which a stable JS sort would not reproduce. Same steps, our own code.

type Less = (i: number, j: number) => boolean;
type Swap = (i: number, j: number) => void;

/** Sorts xs in place exactly as Go's sort.Sort would with the same less function. */
export function goSort<T>(xs: T[], less: (a: T, b: T) => boolean): T[] {
  const n = xs.length;
  if (n <= 1) return xs;
  const lt: Less = (i, j) => less(xs[i], xs[j]);
  const sw: Swap = (i, j) => {
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  };
  pdq(lt, sw, 0, n, bitLength(n));
  return xs;
}

function bitLength(n: number): number {
  return n === 0 ? 0 : Math.floor(Math.log2(n)) + 1;
}

function insertion(lt: Less, sw: Swap, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) for (let j = i; j > a && lt(j, j - 1); j--) sw(j, j - 1);
}

function siftDown(lt: Less, sw: Swap, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && lt(first + child, first + child + 1)) child++;
    if (!lt(first + root, first + child)) return;
    sw(first + root, first + child);
    root = child;
  }
}

function heap(lt: Less, sw: Swap, a: number, b: number): void {
  const hi = b - a;
  for (let i = Math.trunc((hi - 1) / 2); i >= 0; i--) siftDown(lt, sw, i, hi, a);
  for (let i = hi - 1; i >= 0; i--) {
    sw(a, a + i);
    siftDown(lt, sw, 0, i, a);
  }
}

const INCREASING = 1;
const DECREASING = 2;

function pdq(lt: Less, sw: Swap, a: number, b: number, limit: number): void {
  let balanced = true;
  let partitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= 12) return insertion(lt, sw, a, b);
    if (limit === 0) return heap(lt, sw, a, b);
    if (!balanced) {
      scatter(sw, a, b);
      limit--;
    }
    let [pivot, hint] = pickPivot(lt, a, b);
    if (hint === DECREASING) {
      for (let i = a, j = b - 1; i < j; i++, j--) sw(i, j);
      pivot = b - 1 - (pivot - a);
      hint = INCREASING;
    }
    if (balanced && partitioned && hint === INCREASING && nearlySorted(lt, sw, a, b)) return;
    // Many equal elements: put those equal to the pivot first and go on with the greater ones.
    if (a > 0 && !lt(a - 1, pivot)) {
      a = splitEqual(lt, sw, a, b, pivot);
      continue;
    }
    const [mid, already] = split(lt, sw, a, b, pivot);
    partitioned = already;
    const left = mid - a;
    const right = b - mid;
    const threshold = Math.trunc(length / 8);
    if (left < right) {
      balanced = left >= threshold;
      pdq(lt, sw, a, mid, limit);
      a = mid + 1;
    } else {
      balanced = right >= threshold;
      pdq(lt, sw, mid + 1, b, limit);
      b = mid;
    }
  }
}

function split(lt: Less, sw: Swap, a: number, b: number, pivot: number): [number, boolean] {
  sw(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && lt(i, a)) i++;
  while (i <= j && !lt(j, a)) j--;
  if (i > j) {
    sw(j, a);
    return [j, true];
  }
  sw(i++, j--);
  for (;;) {
    while (i <= j && lt(i, a)) i++;
    while (i <= j && !lt(j, a)) j--;
    if (i > j) break;
    sw(i++, j--);
  }
  sw(j, a);
  return [j, false];
}

function splitEqual(lt: Less, sw: Swap, a: number, b: number, pivot: number): number {
  sw(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !lt(a, i)) i++;
    while (i <= j && lt(a, j)) j--;
    if (i > j) return i;
    sw(i++, j--);
  }
}

/** Fixes up to 5 adjacent inversions in long runs; true when the range ends sorted. */
function nearlySorted(lt: Less, sw: Swap, a: number, b: number): boolean {
  let i = a + 1;
  for (let step = 0; step < 5; step++) {
    while (i < b && !lt(i, i - 1)) i++;
    if (i === b) return true;
    if (b - a < 50) return false;
    sw(i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!lt(j, j - 1)) break;
        sw(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!lt(j, j - 1)) break;
        sw(j, j - 1);
      }
    }
  }
  return false;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * Swaps three middle elements with positions from a xorshift (shifts 13, 17, 5 on 64 bits) seeded by the
 * length, as Go does after a bad pivot. Checked against the order the real kubectl prints.
 */
function scatter(sw: Swap, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let r = BigInt(length);
  const modulus = BigInt(2 ** bitLength(length));
  const base = a + Math.trunc(length / 4) * 2;
  for (let idx = base - 1; idx <= base + 1; idx++) {
    r ^= (r << 13n) & MASK64;
    r ^= r >> 17n;
    r ^= (r << 5n) & MASK64;
    let other = Number(r & (modulus - 1n));
    if (other >= length) other -= length;
    sw(idx, a + other);
  }
}

function pickPivot(lt: Less, a: number, b: number): [number, number] {
  const l = b - a;
  const swaps = { n: 0 };
  let i = a + Math.trunc(l / 4);
  let j = a + Math.trunc(l / 4) * 2;
  let k = a + Math.trunc(l / 4) * 3;
  if (l >= 8) {
    if (l >= 50) {
      i = median(lt, i - 1, i, i + 1, swaps);
      j = median(lt, j - 1, j, j + 1, swaps);
      k = median(lt, k - 1, k, k + 1, swaps);
    }
    j = median(lt, i, j, k, swaps);
  }
  if (swaps.n === 0) return [j, INCREASING];
  if (swaps.n === 12) return [j, DECREASING];
  return [j, 0];
}

function median(lt: Less, a: number, b: number, c: number, swaps: { n: number }): number {
  const order = (x: number, y: number): [number, number] => {
    if (lt(y, x)) {
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
