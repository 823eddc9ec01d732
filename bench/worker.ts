/**
 * Runs one phase of one side of one workload, alone in its process, so that its peak memory is
 * its own. Started by `run.ts` over IPC; it can also be run by hand (for profiling, say), and
 * then prints its reply as JSON:
 *
 *   node --cpu-prof build/bench/worker.js '{"phase":"measure","workload":"single-append","side":"eventfold","run":{"file":"profile.db","durability":"normal","quick":false}}'
 */
import type { WorkerReply, WorkerRequest } from './worker-protocol';
import { workloadNamed } from './workloads';

async function runRequest(request: WorkerRequest): Promise<WorkerReply> {
  if (request.phase === 'baseline') return { ok: true, maxRssKb: process.resourceUsage().maxRSS };
  const side = workloadNamed(request.workload)[request.side];
  if (request.phase === 'prepare') {
    await side.prepare?.(request.run);
    return { ok: true, maxRssKb: process.resourceUsage().maxRSS };
  }
  const measurement = await side.measure(request.run);
  return { ok: true, measurement, maxRssKb: process.resourceUsage().maxRSS };
}

function reply(answer: WorkerReply): void {
  if (process.send) {
    // Disconnecting once the reply is out lets the process end on its own.
    process.send(answer, () => process.disconnect());
  } else {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    if (!answer.ok) process.exitCode = 1;
  }
}

Promise.resolve()
  .then(() => runRequest(JSON.parse(process.argv[2] ?? '') as WorkerRequest))
  .catch((error: unknown): WorkerReply => ({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
  .then(reply);
