import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { EventStore, type RecordedEvent } from '../../lib';
import { dropSchemas, postgresUrl, temporaryFolder, uniqueSchema } from '../support/backends';
import { Order } from '../support/domain';
import { startPrintingChild } from '../support/printing-child';

const script = join(__dirname, '..', 'support', 'expiry-process.js');
const EXPIRE_MS = 150;
const POLL_MS = 50;
const KILLED_RUNS = 5;

interface Database {
  readonly name: string;
  open(): Promise<{ store: EventStore; args: string[]; dispose: () => Promise<void> }>;
}

function databases(folder: () => string): Database[] {
  const sqlite: Database = {
    name: 'SQLite',
    async open() {
      const file = join(folder(), 'expiry.db');
      return { store: await EventStore.open({ sqlite: file, aggregates: [Order] }), args: [file, '-'], dispose: async () => undefined };
    },
  };
  if (postgresUrl === undefined) return [sqlite];
  const url = postgresUrl;
  const postgres: Database = {
    name: 'PostgreSQL',
    async open() {
      const schema = uniqueSchema();
      const store = await EventStore.open({ postgres: url, schema, poolSize: 2, aggregates: [Order] });
      return { store, args: [url, schema], dispose: () => dropSchemas(url, [schema]) };
    },
  };
  return [sqlite, postgres];
}

describe('Process managers under SIGKILL', function () {
  this.timeout(180_000);
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder()));
  afterEach(() => folder.remove());

  for (const database of databases(() => folder.path)) {
    it(`cancel each unfilled order once, never before its deadline, and never a filled one, on ${database.name}`, async () => {
      const { store, args, dispose } = await database.open();
      let current: ChildProcess | undefined;
      try {
        for (let run = 0; run < KILLED_RUNS; run++) {
          const { child, printed, exited } = startPrintingChild(script, [...args, 'work', String(run), String(EXPIRE_MS), String(POLL_MS)]);
          current = child;
          await printed('started');
          // Killed at a random moment: while placing, filling, expiring, or in a step's transaction.
          await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 600));
          expect(child.exitCode, 'the run ended before it was killed').to.equal(null);
          child.kill('SIGKILL');
          await exited;
        }
        // A last run places nothing: it delivers what the killed runs left, deadlines due long ago included.
        const last = startPrintingChild(script, [...args, 'drain', 'last', String(EXPIRE_MS), String(POLL_MS)]);
        current = last.child;
        await last.printed('drained');
        expect(await last.exited).to.equal(0);

        await store.waitForReadable();
        const streams = new Map<string, RecordedEvent[]>();
        for await (const recorded of store.readAll()) {
          if (recorded.streamType !== 'Order') continue;
          streams.set(recorded.streamId, [...(streams.get(recorded.streamId) ?? []), recorded]);
        }
        expect(streams.size, 'the runs placed orders').to.be.greaterThan(KILLED_RUNS * 5);
        const problems: string[] = [];
        let cancelledCount = 0;
        for (const [id, events] of streams) {
          const types = events.map((recorded) => recorded.type);
          const cancels = events.filter((recorded) => recorded.type === 'OrderCancelled');
          const filled = types.includes('OrderFilled');
          cancelledCount += cancels.length;
          if (cancels.length > 1) problems.push(`${id} was cancelled ${cancels.length} times`);
          if (filled && cancels.length > 0) problems.push(`${id} was filled and cancelled: ${types.join(', ')}`);
          if (!filled && cancels.length === 0) problems.push(`${id} was neither filled nor expired`);
          const placedAt = events[0]!.recordedAt.getTime();
          for (const cancel of cancels) {
            if (cancel.recordedAt.getTime() + 1 < placedAt + EXPIRE_MS)
              problems.push(`${id} was cancelled ${cancel.recordedAt.getTime() - placedAt} ms after it was placed, before its deadline`);
          }
        }
        expect(problems).to.deep.equal([]);
        expect(cancelledCount, 'some orders expired').to.be.greaterThan(0);
        const left = await store.db.selectFrom('eventfold_deadlines').selectAll().execute();
        expect(left).to.deep.equal([]);
        const running = await store.db.selectFrom('eventfold_process_instances').select('key').execute();
        expect(running).to.deep.equal([]);
      } finally {
        current?.kill('SIGKILL');
        await store.close();
        await dispose();
      }
    });
  }
});
