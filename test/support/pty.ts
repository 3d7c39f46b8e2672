// A command run on a real pseudo-terminal, driven like a user at a keyboard: python3's pty module holds the
// terminal (no native node addon); the test writes keystrokes, waits for what the screen shows, resizes the
// window (SIGUSR1 to the driver: it sets 40x120, and the kernel sends SIGWINCH to the command).
import { spawn, spawnSync } from 'node:child_process';

const DRIVER = String.raw`
import os, pty, sys, select, signal, struct, fcntl, termios
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)
def size(rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
size(24, 80)
signal.signal(signal.SIGUSR1, lambda *_: size(40, 120))
inp = sys.stdin.fileno()
reading = True
while True:
    try:
        r, _, _ = select.select([fd] + ([inp] if reading else []), [], [])
    except InterruptedError:
        continue
    if fd in r:
        try:
            d = os.read(fd, 65536)
        except OSError:
            d = b''
        if not d:
            break
        os.write(1, d)
    if inp in r:
        d = os.read(inp, 65536)
        if d:
            os.write(fd, d)
        else:
            reading = False
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
`;

/** Whether python3 with its pty module is here (the tests that need a terminal skip otherwise). */
export function skipWithoutPty(): string | false {
  const r = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' });
  return r.status === 0 ? false : 'python3 with the pty module is not available';
}

export interface Terminal {
  /** Everything the terminal has shown so far. */
  screen(): string;
  type(keys: string): void;
  /** Resolves with the screen once `re` matches what was shown after `from` (default: all of it). */
  waitFor(re: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  resize(): void;
  /** The command's exit code (the terminal closes with it). */
  exited: Promise<number>;
  kill(): void;
}

export function openTerminal(argv: string[], env: NodeJS.ProcessEnv, cwd?: string): Terminal {
  const child = spawn('python3', ['-c', DRIVER, ...argv], { env, cwd, stdio: ['pipe', 'pipe', 'inherit'] });
  let shown = '';
  let closed = false;
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    shown += d.toString('utf8');
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => {
    closed = true;
    for (const w of [...waiters]) w();
    resolve(code ?? -1);
  }));
  return {
    screen: () => shown,
    type: (keys) => void child.stdin.write(keys),
    waitFor(re, timeoutMs = 15_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(shown.slice(from))) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(shown);
          } else if (closed) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`the terminal closed without ${re}: ${JSON.stringify(shown)}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${re} on the terminal within ${timeoutMs} ms: ${JSON.stringify(shown)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    resize: () => void child.kill('SIGUSR1'),
    exited,
    kill: () => void child.kill('SIGKILL'),
  };
}
