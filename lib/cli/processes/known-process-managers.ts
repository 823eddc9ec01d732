import type { ProcessManagerSummary } from '../../process-managers/inspection/process-manager-summaries';
import type { CliSession } from '../session/cli-session';
import { describeSubscribers } from '../../inspection/configured-subscribers';

/**
 * The process managers `eventfold processes` shows: every one the database holds instances or
 * deadlines of, and those of the config that hold nothing (yet), with zero counts; by name.
 */
export async function knownProcessManagers(session: CliSession, stored: readonly ProcessManagerSummary[]): Promise<ProcessManagerSummary[]> {
  const configured = session.config.subscribers ? describeSubscribers(await session.subscribers()) : [];
  const all = new Map(stored.map((summary) => [summary.name, summary]));
  for (const { name, kind } of configured) {
    if (kind === 'process-manager' && !all.has(name)) all.set(name, { name, running: 0, ended: 0, pendingDeadlines: 0, overdueDeadlines: 0, failedDeadlines: 0 });
  }
  return [...all.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
