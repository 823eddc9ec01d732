import { fork, type ChildProcess } from 'node:child_process';
import { GO } from './step-channel';

/**
 * The spec's side of a writer process (a script that talks through `stepChannel`): its messages in
 * the order it sent them, and {@link WriterProcess.go} to let it take the step it announced.
 */
export class WriterProcess<M> {
  private readonly child: ChildProcess;
  private readonly inbox: M[] = [];
  private waiting: { resolve: (message: M) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private errors = '';

  constructor(
    script: string,
    readonly name: string,
    args: string[],
  ) {
    this.child = fork(script, args, { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (chunk) => (this.errors += chunk));
    this.child.on('message', (message: M) => {
      if (this.waiting) this.waiting.resolve(message);
      else this.inbox.push(message);
      this.waiting = undefined;
    });
    this.child.on('exit', (code, signal) => {
      if (code === 0) return;
      this.failure = new Error(`writer ${name} ended (${code ?? signal}) before it reported: ${this.errors}`);
      this.waiting?.reject(this.failure);
    });
  }

  /** The writer's next message, once it sends it. */
  next(): Promise<M> {
    const message = this.inbox.shift();
    if (message) return Promise.resolve(message);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  go(): void {
    this.child.send(GO);
  }

  /** Ends the process if the spec failed before it did. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
