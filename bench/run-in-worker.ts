import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

const WORKER = join(__dirname, 'worker.js');

/**
 * Runs a request in a fresh worker process and resolves to its reply. Rejects when the worker
 * fails, or exits without replying.
 *
 * @example
 * ```ts
 * const { maxRssKb } = await runInWorker({ phase: 'baseline' });
 * ```
 */
export function runInWorker(request: WorkerRequest): Promise<Extract<WorkerReply, { ok: true }>> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [JSON.stringify(request)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: WorkerReply | undefined;
    child.on('message', (message) => (answer = message as WorkerReply));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer?.ok) return resolve(answer);
      const what =
        request.phase === 'baseline'
          ? 'baseline'
          : request.phase === 'postgres'
            ? `measure ${request.workload} (${request.side})`
            : `${request.phase} ${request.workload} (${request.side ?? 'shared'}, ${request.run.durability})`;
      const why = answer ? answer.error : `the worker exited with ${signal ?? `code ${code}`} before replying`;
      reject(new Error(`bench worker failed to ${what}: ${why}`));
    });
  });
}
