import { Command, Option } from 'commander';
import { AggregateNotFoundError } from '../../aggregates/aggregate-not-found-error';
import type { AggregateRoot } from '../../aggregates/aggregate-root';
import type { EventStore } from '../../event-store/event-store';
import { jsonText } from '../../inspection/json-text';
import type { Terminal } from '../output/terminal';
import { parseMoment, parseWholeNumber } from '../program/option-parsers';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession } from '../session/cli-session';
import { findAggregate } from './find-aggregate';
import { VersionOutOfRangeError } from './history-errors';
import { historySteps, type HistoryLimit, type HistoryStepView } from '../../inspection/history-steps';
import { formatHistoryHeading, formatHistoryStep } from './history-text';

interface HistoryOptions {
  readonly version?: number;
  readonly at?: Date;
  readonly json?: boolean;
}

/**
 * `eventfold history <aggregate> <id>`: replays an aggregate event by event and prints each event
 * with the state after it, marking what changed.
 */
export function historyCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('history'))
    .description('replay an aggregate event by event: each event, the state after it, and what changed')
    .argument('<aggregate>', 'aggregate type, as named by @Aggregate (e.g. Order)')
    .argument('<id>', 'aggregate id')
    .option('--version <n>', 'stop after this version of the stream', parseWholeNumber)
    .addOption(new Option('--at <time>', 'stop at this moment (ISO 8601, e.g. 2026-01-01T12:00:00Z)').argParser(parseMoment).conflicts('version'))
    .option('--json', 'print one JSON document: an array of steps, each with event, state and changes')
    .action((aggregate: string, id: string, options: HistoryOptions, command: Command) =>
      withSession(sessionOptionsOf(command), { config: true }, async (session) => {
        const aggregateClass = findAggregate(session.config, aggregate);
        const repository = session.store.repository<AggregateRoot>(aggregateClass);
        const type = repository.aggregateType;
        const shown = await lastVersionShown(session.store, type, id, options);
        const limit: HistoryLimit = { version: options.version, at: options.at };
        if (options.json) {
          const steps: HistoryStepView[] = [];
          for await (const step of historySteps(repository, aggregateClass, id, limit)) steps.push(step);
          terminal.out(jsonText(steps, 2));
          return;
        }
        const { colors } = terminal;
        terminal.out(formatHistoryHeading(type, id, shown.version, shown.total, colors));
        for await (const step of historySteps(repository, aggregateClass, id, limit)) {
          terminal.out();
          for (const line of formatHistoryStep(step, colors)) terminal.out(line);
        }
      }),
    );
}

/** Checks the stream has the events asked for, and says which is the last one shown. */
async function lastVersionShown(store: EventStore, type: string, id: string, options: HistoryOptions): Promise<{ version: number; total: number }> {
  const stream = { type, id };
  const total = await store.streamVersion(stream);
  if (total === 0) throw new AggregateNotFoundError(type, id, undefined, `List the ${type} streams with: eventfold streams --type ${type}`);
  if (options.version !== undefined) {
    if (options.version > total) throw new VersionOutOfRangeError(type, id, options.version, total);
    return { version: options.version, total };
  }
  if (options.at !== undefined) {
    const version = await store.streamVersion(stream, { at: options.at });
    if (version === 0) throw new AggregateNotFoundError(type, id, options.at, 'Ask for a later --at, or leave it out.');
    return { version, total };
  }
  return { version: total, total };
}
