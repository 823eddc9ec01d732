// A writer process for the concurrent-commands spec. It runs increments of one shared Counter
// through `repository.update`, and waits for the spec's 'go' over the IPC channel wherever the
// spec needs the writers in step, so that no timer decides who goes when:
//
//   fork('command-writer.js', [<shared store as JSON>, <name>, <racing commands>, <racing retries>])
//
// 1. It says 'started' and, at 'go', opens the store (the spec has created its tables).
// 2. Two forced rounds, each announced with 'round' and started at 'go'. In each, every decision
//    of the command (the retries' included) says 'decided' with the version it saw and waits for
//    'go': the spec lets the writers save only once all of them have decided, so all but one meet
//    a conflict on every step. The 'create' round runs `updateOrCreate` on the missing counter
//    with 3 retries, the 'exhaust' round `update` with 1 retry. Each command ends with 'outcome'.
// 3. It says 'racing' and, at 'go', runs <racing commands> increments with <racing retries>
//    retries and the default backoff, racing the others; then it sends its report and leaves.
import 'reflect-metadata';
import { ConcurrencyError, EventStore, type Repository, type UpdateOptions } from '../../lib';
import { type CommandOutcome, type CommandWriterMessage, type ForcedRound, type SharedStore } from './command-writer-protocol';
import { stepChannel } from './step-channel';
import { Counter } from './counter';

const COUNTER_ID = 'shared';

const { send, announce } = stepChannel<CommandWriterMessage>('command-writer.js');

/** Runs one increment, counting the decisions it takes, and tells how it ended. */
async function increment(
  counters: Repository<Counter>,
  command: 'update' | 'updateOrCreate',
  options: UpdateOptions,
  beforeDeciding?: (counter: Counter) => Promise<void>,
): Promise<CommandOutcome> {
  let decisions = 0;
  try {
    await counters[command](
      COUNTER_ID,
      async (counter) => {
        decisions++;
        await beforeDeciding?.(counter);
        counter.increment();
      },
      options,
    );
    return { stored: true, attempts: decisions };
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    return { stored: false, code: error.code, attempts: error.attempts, decisions, expected: error.expected, actual: error.actual };
  }
}

async function main(): Promise<void> {
  const [sharedText, name, commandsText, retriesText] = process.argv.slice(2);
  const shared = JSON.parse(sharedText!) as SharedStore;
  const metadata = { writer: name! };
  let stored = 0;

  await announce({ step: 'started' });
  const store = await EventStore.open('sqlite' in shared ? { sqlite: shared.sqlite } : { postgres: shared.postgres, schema: shared.schema, poolSize: 2 });
  const counters = store.repository(Counter);

  const forced = async (round: ForcedRound, command: 'update' | 'updateOrCreate', retries: number) => {
    await announce({ step: 'round', round });
    const outcome = await increment(counters, command, { retries, backoff: { initialDelayMs: 0 }, metadata }, (counter) =>
      announce({ step: 'decided', round, version: counter.version }),
    );
    if (outcome.stored) stored++;
    await send({ step: 'outcome', round, outcome });
  };
  await forced('create', 'updateOrCreate', 3);
  await forced('exhaust', 'update', 1);

  await announce({ step: 'racing' });
  const racing: CommandOutcome[] = [];
  for (let command = 0; command < Number(commandsText); command++) {
    const outcome = await increment(counters, 'update', { retries: Number(retriesText), metadata });
    if (outcome.stored) stored++;
    racing.push(outcome);
  }
  await store.close();
  await send({ step: 'done', report: { name: name!, racing, stored } });
  process.disconnect();
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
