import { spawn, type ChildProcess } from 'node:child_process';

/** A child process that reports its progress by the lines it prints. */
export interface PrintingChild {
  readonly child: ChildProcess;
  /** Resolves once the child printed a line starting with `line`, or exited cleanly; rejects if it failed first. */
  printed(this: void, line: string): Promise<void>;
  /** The exit code, once it exited (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** Starts `script` with Node and `args`, listening to what it prints. */
export function startPrintingChild(script: string, args: string[]): PrintingChild {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  const listeners: Array<() => void> = [];
  child.stdout?.on('data', (chunk) => {
    output += chunk;
    listeners.forEach((listener) => listener());
  });
  child.stderr?.on('data', (chunk) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => output.split('\n').some((printedLine) => printedLine.startsWith(line)) && resolve();
      listeners.push(check);
      check();
      void exited.then((code) => (code === 0 || code === null ? resolve() : reject(new Error(`${script} failed (${code}): ${errors}`))));
    });
  return { child, printed, exited };
}
