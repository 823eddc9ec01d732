import { expect } from 'chai';
import { join } from 'node:path';
import { EventStore } from '../../lib';
import { temporaryFolder } from '../support/backends';
import { type WriterMessage, type WriterReport } from '../support/concurrent-writer-protocol';
import { OrderFilled } from '../support/domain';
import { collect } from '../support/expect-rejection';
import { WriterProcess } from '../support/writer-process';

const script = join(__dirname, '..', 'support', 'concurrent-writer.js');

/** A writer process (see concurrent-writer.ts), and what it has told the spec so far. */
class Writer extends WriterProcess<WriterMessage> {
  constructor(name: string, args: string[]) {
    super(script, name, args);
  }
}

/**
 * Waits until every writer announces `step`, then lets them all take it at once. Resolves to
 * what they announced.
 */
async function together(writers: Writer[], step: WriterMessage['step']): Promise<WriterMessage[]> {
  const messages = await Promise.all(writers.map((writer) => writer.next()));
  expect(messages.map((message) => message.step)).to.deep.equal(writers.map(() => step));
  for (const writer of writers) writer.go();
  return messages;
}

async function reportOf(writer: Writer): Promise<WriterReport> {
  const message = await writer.next();
  if (message.step !== 'done') throw new Error(`expected the writer's report, got '${message.step}'`);
  return message.report;
}

describe('Two processes appending to one stream of one SQLite file', function () {
  this.timeout(60_000);
  const quota = 400;
  const forcedRounds = 20;
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder()));
  afterEach(() => folder.remove());

  it('loses and duplicates nothing; an append on a version the other writer moved meets a ConcurrencyError', async () => {
    const file = join(folder.path, 'shared.db');
    const writers = ['a', 'b'].map((name) => new Writer(name, [file, name, String(quota), String(forcedRounds)]));
    let reports: WriterReport[];
    try {
      // Both open the new file at once, racing to create its schema.
      await together(writers, 'started');
      for (let round = 0; round < forcedRounds; round++) {
        // Neither appends before both have read the version, so both expect the same one.
        const reads = await together(writers, 'read');
        expect(new Set(reads.map((read) => (read.step === 'read' ? read.version : undefined))).size, `versions read in round ${round + 1}`).to.equal(1);
      }
      await together(writers, 'racing');
      reports = await Promise.all(writers.map(reportOf));
    } finally {
      writers.forEach((writer) => writer.kill());
    }

    // Each forced round, exactly one of the two appends expecting the same version was stored.
    const rounds = Array.from({ length: forcedRounds }, (_, round) => reports.map((report) => report.forced[round]).sort());
    expect(rounds).to.deep.equal(Array.from({ length: forcedRounds }, () => ['conflict', 'stored']));

    const store = await EventStore.open({ sqlite: file, events: [OrderFilled] });
    const events = await collect(store.readStream({ type: 'Order', id: 'shared' }));
    await store.close();
    const storedIds = reports.flatMap((report) => report.stored);
    expect(events.map((event) => event.streamVersion)).to.deep.equal(Array.from({ length: 2 * quota }, (_, n) => n + 1));
    expect(new Set(events.map((event) => event.eventId)).size).to.equal(2 * quota);
    expect(events.map((event) => event.eventId).sort()).to.deep.equal([...storedIds].sort());
    const byWriter = (name: string) => events.filter((event) => event.metadata.writer === name).map((event) => event.eventId);
    expect(byWriter('a')).to.deep.equal(reports[0]!.stored);
    expect(byWriter('b')).to.deep.equal(reports[1]!.stored);
  });
});
