// klog's line format, apart from src/forward/klog.ts and its node:crypto: `get --sort-by` prints a klog fatal
// line, and the read path should not load crypto for it.

/** klog's header: Lmmdd hh:mm:ss.uuuuuu PID file:line] (time in UTC, as every kubesim time). */
export function klogLine(severity: 'F' | 'E' | 'W' | 'I', at: Date, pid: number, fileLine: string, message: string): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const micros = String(at.getUTCMilliseconds() * 1000).padStart(6, '0');
  const head = `${severity}${p2(at.getUTCMonth() + 1)}${p2(at.getUTCDate())} ${p2(at.getUTCHours())}:${p2(at.getUTCMinutes())}:${p2(at.getUTCSeconds())}.${micros} ${String(pid).padStart(7)} ${fileLine}]`;
  return `${head} ${message}`;
}
