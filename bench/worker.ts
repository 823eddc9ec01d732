/**
 * Runs one phase of one side of one workload, alone in its process, so that its peak memory is
 * its own. Started by `run.ts` over IPC; it can also be run by hand (for profiling, say), and
 * then prints its reply as JSON:
 *
 *   node --cpu-prof build/bench/worker.js '{"phase":"measure","workload":"single-append","side":"eventfold","run":{"file":"profile.db","durability":"normal","quick":false}}'
 *
 * A workload that prepares one database for both sides (projection-rebuild) needs a `prepare`
 * without a side first; `measure` writes to its file, so measure a copy:
 *
 *   node build/bench/worker.js '{"phase":"prepare","workload":"projection-rebuild","run":{"file":"log.db","durability":"normal","quick":true}}'
 *   cp log.db profile.db
 *   node --cpu-prof build/bench/worker.js '{"phase":"measure","workload":"projection-rebuild","side":"eventfold","run":{"file":"profile.db","durability":"normal","quick":true}}'
 */
import type { WorkerReply, WorkerRequest } from './worker-protocol';
import { postgresWorkloadNamed } from './postgres';
import { workloadNamed } from './workloads';

async function runRequest(request: WorkerRequest): Promise<WorkerReply> {
  if (request.phase === 'baseline') return { ok: true, maxRssKb: process.resourceUsage().maxRSS };
  if (request.phase === 'postgres') {
    const workload = postgresWorkloadNamed(request.workload);
    const side = request.side === 'raw' ? workload.raw : workload.eventfold;
    if (!side) throw new Error(`${workload.name} has no ${request.side} side`);
    const measurement = await side(request.run);
    return { ok: true, measurement, maxRssKb: process.resourceUsage().maxRSS };
  }
  const workload = workloadNamed(request.workload);
  if (request.phase === 'prepare') {
    await (request.side === undefined ? workload.prepare?.(request.run) : workload[request.side].prepare?.(request.run));
    return { ok: true, maxRssKb: process.resourceUsage().maxRSS };
  }
  const measurement = await workload[request.side].measure(request.run);
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

// Fire and forget: a failure becomes a reply, and the process ends once the reply is out.
void Promise.resolve()
  .then(() => runRequest(JSON.parse(process.argv[2] ?? '') as WorkerRequest))
  .catch((error: unknown): WorkerReply => ({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
  .then(reply);
