import { expect } from 'chai';
import { join } from 'node:path';
import { EventStore } from '../../lib';
import { dropSchemas, postgresUrlOrReportSkip, temporaryFolder, uniqueSchema } from '../support/backends';
import { type CommandOutcome, type CommandWriterMessage, type ForcedRound, type SharedStore, type WriterReport } from '../support/command-writer-protocol';
import { Counter, CounterIncremented } from '../support/counter';
import { collect } from '../support/expect-rejection';
import { WriterProcess } from '../support/writer-process';

const script = join(__dirname, '..', 'support', 'command-writer.js');
const counterStream = { type: 'Counter', id: 'shared' };

/** A writer process (see command-writer.ts), and what it has told the spec so far. */
class Writer extends WriterProcess<CommandWriterMessage> {
  constructor(name: string, args: string[]) {
    super(script, name, args);
  }
}

/** Waits until every writer announces `step`, then lets them all take it at once. */
async function together(writers: Writer[], step: CommandWriterMessage['step']): Promise<void> {
  const messages = await Promise.all(writers.map((writer) => writer.next()));
  expect(messages.map((message) => message.step)).to.deep.equal(writers.map(() => step));
  for (const writer of writers) writer.go();
}

/** What a forced round came to: the versions decided on at each step, and each writer's outcome. */
interface RoundResult {
  readonly versionsPerStep: number[][];
  readonly outcomes: CommandOutcome[];
}

/**
 * Runs a forced round: each step, every writer still in the round has decided (on the version it
 * reports) before any of them may save, so all but one of them meet a conflict. A writer leaves
 * the round when it reports its outcome.
 */
async function forcedRound(writers: Writer[], round: ForcedRound): Promise<RoundResult> {
  await together(writers, 'round');
  const versionsPerStep: number[][] = [];
  const outcomes: CommandOutcome[] = [];
  let deciding = writers;
  while (deciding.length > 0) {
    const messages = await Promise.all(deciding.map((writer) => writer.next()));
    const versions: number[] = [];
    const next: Writer[] = [];
    messages.forEach((message, index) => {
      if (message.step === 'decided' && message.round === round) {
        versions.push(message.version);
        next.push(deciding[index]!);
      } else if (message.step === 'outcome' && message.round === round) {
        outcomes.push(message.outcome);
      } else {
        expect.fail(`expected a decision or an outcome of round '${round}', got ${JSON.stringify(message)}`);
      }
    });
    if (versions.length > 0) versionsPerStep.push(versions);
    for (const writer of next) writer.go();
    deciding = next;
  }
  return { versionsPerStep, outcomes };
}

async function reportOf(writer: Writer): Promise<WriterReport> {
  const message = await writer.next();
  if (message.step !== 'done') throw new Error(`expected the writer's report, got '${message.step}'`);
  return message.report;
}

/** A database the writer processes share, with the means to open it from the spec. */
interface SharedDatabase {
  readonly shared: SharedStore;
  open(): Promise<EventStore>;
  remove(): Promise<void>;
}

function sqliteDatabase(): SharedDatabase {
  const folder = temporaryFolder();
  const file = join(folder.path, 'commands.db');
  return { shared: { sqlite: file }, open: () => EventStore.open({ sqlite: file }), remove: async () => folder.remove() };
}

function postgresDatabase(url: string): SharedDatabase {
  const schema = uniqueSchema();
  return {
    shared: { postgres: url, schema },
    open: () => EventStore.open({ postgres: url, schema, poolSize: 2 }),
    remove: () => dropSchemas(url, [schema]),
  };
}

const postgresUrl = postgresUrlOrReportSkip();
const databases: Array<[string, () => SharedDatabase]> = [['sqlite', sqliteDatabase]];
if (postgresUrl) databases.push(['postgres', () => postgresDatabase(postgresUrl)]);

for (const [backendName, makeDatabase] of databases) {
  describe(`Four processes updating one aggregate through repository.update [${backendName}]`, function () {
    this.timeout(120_000);
    const names = ['a', 'b', 'c', 'd'];
    const racingCommands = 25;
    const racingRetries = 2;
    let database: SharedDatabase;
    beforeEach(() => (database = makeDatabase()));
    afterEach(() => database.remove());

    it('loses no update: every conflict is decided again on the new state, or reported with its attempts', async () => {
      // The spec creates the tables, so the writers' opens do not race to migrate.
      await (await database.open()).close();
      const writers = names.map((name) => new Writer(name, [JSON.stringify(database.shared), name, String(racingCommands), String(racingRetries)]));
      let create: RoundResult;
      let exhaust: RoundResult;
      let reports: WriterReport[];
      try {
        await together(writers, 'started');
        create = await forcedRound(writers, 'create');
        exhaust = await forcedRound(writers, 'exhaust');
        await together(writers, 'racing');
        reports = await Promise.all(writers.map(reportOf));
      } finally {
        writers.forEach((writer) => writer.kill());
      }

      // Creating the missing counter: each step, every writer left decided on the version the
      // last winner stored, and one of them won; 3 retries are enough for the fourth to win too.
      expect(create.versionsPerStep).to.deep.equal([[0, 0, 0, 0], [1, 1, 1], [2, 2], [3]]);
      expect(create.outcomes).to.deep.equal([1, 2, 3, 4].map((attempts) => ({ stored: true, attempts })));
      // With 1 retry, two of four writers give up after their second conflicting attempt.
      expect(exhaust.versionsPerStep).to.deep.equal([
        [4, 4, 4, 4],
        [5, 5, 5],
      ]);
      const failed = { stored: false, code: 'EVENTFOLD_CONCURRENCY', attempts: 2, decisions: 2, expected: 5, actual: 6 };
      expect(exhaust.outcomes).to.have.deep.members([{ stored: true, attempts: 1 }, { stored: true, attempts: 2 }, failed, failed]);

      // Racing freely: every command stored, or given up with attempts = retries + 1, each attempt
      // a decision of its own.
      for (const report of reports) {
        expect(report.racing, `commands of writer ${report.name}`).to.have.length(racingCommands);
        for (const outcome of report.racing.filter((command) => !command.stored)) {
          expect(outcome, `a command writer ${report.name} gave up`).to.deep.include({
            code: 'EVENTFOLD_CONCURRENCY',
            attempts: racingRetries + 1,
            decisions: racingRetries + 1,
          });
        }
        for (const outcome of report.racing.filter((command) => command.stored)) {
          expect(outcome.attempts, `attempts of a command writer ${report.name} stored`).to.be.within(1, racingRetries + 1);
        }
      }

      const store = await database.open();
      try {
        const counter = await store.repository(Counter).load(counterStream.id);
        const events = await collect(store.readStream(counterStream));
        const storedCommands = reports.reduce((sum, report) => sum + report.stored, 0);
        const storedWhileRacing = reports.reduce((sum, report) => sum + report.racing.filter((command) => command.stored).length, 0);

        expect(storedCommands).to.equal(4 + 2 + storedWhileRacing);
        expect(counter.count).to.equal(storedCommands);
        expect(events.map((event) => event.streamVersion)).to.deep.equal(Array.from({ length: storedCommands }, (_, n) => n + 1));
        expect(new Set(events.map((event) => event.eventId)).size).to.equal(storedCommands);
        // Each stored increment was decided on the count of every increment before it: none lost.
        expect(events.map((event) => (event.event as CounterIncremented).seen)).to.deep.equal(Array.from({ length: storedCommands }, (_, n) => n));
        for (const report of reports) {
          expect(
            events.filter((event) => event.metadata.writer === report.name),
            `events of writer ${report.name}`,
          ).to.have.length(report.stored);
        }
      } finally {
        await store.close();
      }
    });
  });
}
