import { Command } from 'commander';
import { formatDuration, formatRate } from '../output/duration';
import type { Terminal } from '../output/terminal';
import { parseWholeNumber } from '../program/option-parsers';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession } from '../session/cli-session';
import { describeSubscribers } from '../../inspection/configured-subscribers';
import { findProjection } from '../subscribers/find-subscriber';
import { assertRunsHere, withSubscribers } from '../subscribers/run-subscribers';
import { rebuildProgressView } from './rebuild-progress-view';

/**
 * `eventfold rebuild <projection>`: replays the whole log into a projection's read model (blue/green
 * when it declares its tables), with a progress bar.
 */
export function rebuildCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('rebuild'))
    .description("replay the whole log into a projection's read model (into copies of its declared tables, swapped in at the end)")
    .argument('<projection>', 'projection name, as given to @Projection (e.g. open-orders)')
    .option('--batch-size <n>', "events per transaction (default: 1000, or the projection's batchSize if larger)", parseWholeNumber)
    .action((name: string, options: { batchSize?: number }, command: Command) =>
      withSession(sessionOptionsOf(command), { config: true }, async (session) => {
        const projection = findProjection(describeSubscribers(await session.subscribers()), name);
        await session.prepare();
        const result = await withSubscribers(session, [projection], terminal, async (dispatcher) => {
          await assertRunsHere(dispatcher, session, name, `rebuild '${name}'`);
          const view = rebuildProgressView(terminal, name);
          try {
            const final = await dispatcher.rebuild(name, { batchSize: options.batchSize, onProgress: (progress) => view.update(progress) });
            view.finish(final);
            return final;
          } catch (error) {
            view.finish();
            throw error;
          }
        });
        terminal.out(`Rebuilt ${name}: ${result.done}/${result.total} events in ${formatDuration(result.elapsedMs)} (${formatRate(result.rate)}).`);
      }),
    );
}
