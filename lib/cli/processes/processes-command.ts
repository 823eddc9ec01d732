import { Command } from 'commander';
import { processInstances } from '../../process-managers/inspection/process-instances';
import { processManagerSummaries, type ProcessManagerSummary } from '../../process-managers/inspection/process-manager-summaries';
import { jsonText } from '../../inspection/json-text';
import type { Terminal } from '../output/terminal';
import { parseWholeNumber } from '../program/option-parsers';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession, type CliSession } from '../session/cli-session';
import { formatInstances, formatSummaries } from './instance-text';
import { knownProcessManagers } from './known-process-managers';
import { UnknownProcessManagerError } from './process-errors';
import { assertProcessTables } from './process-tables';

/** How many instances the table shows unless `--limit` says otherwise (`--json` lists them all). */
export const DEFAULT_LISTED_INSTANCES = 100;

interface ListOptions {
  readonly ended?: boolean;
  readonly json?: boolean;
  readonly limit?: number;
}

/** `eventfold processes` and `eventfold processes list <name>`. */
export function processesCommand(terminal: Terminal): Command {
  const command = withSessionOptions(new Command('processes'))
    .description('show process managers with their instances and deadlines (without starting any)')
    .option('--json', 'print a JSON array')
    .action((options: { json?: boolean }, self: Command) =>
      withSession(sessionOptionsOf(self), { config: false }, (session) => showProcessManagers(session, terminal, options.json === true)),
    );
  command.addCommand(listCommand(terminal));
  return command;
}

function listCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('list'))
    .description("list a process manager's instances by key, with their state and pending deadlines")
    .argument('[name]', 'process manager name, as given to @ProcessManager (without it: every process manager)')
    .option('--ended', "also list ended instances (kept under ended: 'keep')")
    .option('--json', 'print a JSON array with each state whole')
    .option('--limit <n>', `the most instances to list (default: ${DEFAULT_LISTED_INSTANCES} in the table, all with --json)`, parseWholeNumber)
    .action((name: string | undefined, options: ListOptions, command: Command) =>
      withSession(sessionOptionsOf(command), { config: false }, (session) =>
        name === undefined ? showProcessManagers(session, terminal, options.json === true) : showInstances(session, terminal, name, options),
      ),
    );
}

async function showProcessManagers(session: CliSession, terminal: Terminal, json: boolean): Promise<void> {
  await assertProcessTables(session);
  const summaries = await knownProcessManagers(session, await processManagerSummaries(session.store));
  if (json) terminal.out(jsonText(summaries, 2));
  else if (summaries.length === 0) terminal.out('No process manager has instances or deadlines in this database.');
  else for (const line of formatSummaries(summaries, terminal.colors)) terminal.out(line);
}

async function showInstances(session: CliSession, terminal: Terminal, name: string, options: ListOptions): Promise<void> {
  await assertProcessTables(session);
  const now = new Date();
  const known = await knownProcessManagers(session, await processManagerSummaries(session.store, { now }));
  const summary = known.find((candidate) => candidate.name === name);
  if (!summary) {
    throw new UnknownProcessManagerError(
      name,
      known.map((candidate) => candidate.name),
    );
  }
  const includeEnded = options.ended === true;
  const limit = options.limit ?? (options.json ? undefined : DEFAULT_LISTED_INSTANCES);
  const instances = await processInstances(session.store, name, { includeEnded, limit });
  if (options.json) {
    terminal.out(jsonText(instances, 2));
    return;
  }
  const { colors } = terminal;
  if (instances.length === 0) {
    terminal.out(noInstances(name, summary, includeEnded));
    return;
  }
  for (const line of formatInstances(instances, now, colors)) terminal.out(line);
  const total = summary.running + (includeEnded ? summary.ended : 0);
  const what = includeEnded ? 'instance' : 'running instance';
  terminal.out(
    colors.dim(
      instances.length < total ? `${instances.length} of ${total} ${what}s (--limit to list more)` : `${instances.length} ${what}${instances.length === 1 ? '' : 's'}`,
    ),
  );
}

function noInstances(name: string, summary: ProcessManagerSummary, includeEnded: boolean): string {
  if (includeEnded) return `No instances of '${name}'.`;
  if (summary.ended === 0) return `No running instances of '${name}'.`;
  return `No running instances of '${name}' (${summary.ended} ended ${summary.ended === 1 ? 'one is' : 'ones are'} kept: add --ended to list ${summary.ended === 1 ? 'it' : 'them'}).`;
}
