import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventStore } from '../../lib';
import { temporaryFolder } from '../support/backends';
import { OrderFilled } from '../support/domain';
import { collect } from '../support/expect-rejection';

const run = promisify(execFile);
const writer = join(__dirname, '..', 'support', 'concurrent-writer.js');

interface WriterReport {
  name: string;
  stored: string[];
  conflicts: number;
}

describe('Two processes appending to one stream of one SQLite file', function () {
  this.timeout(60_000);
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder()));
  afterEach(() => folder.remove());

  it('loses and duplicates nothing; every conflict is a ConcurrencyError', async () => {
    const file = join(folder.path, 'shared.db');
    const startFile = join(folder.path, 'start');
    const quota = 400;
    const writers = ['a', 'b'].map((name) => run(process.execPath, [writer, file, name, String(quota), startFile], { maxBuffer: 16 * 1024 * 1024 }));
    // Both processes open the new file at once (racing to create the schema), then start together.
    setTimeout(() => writeFileSync(startFile, ''), 300);
    const reports = (await Promise.all(writers)).map(({ stdout }) => JSON.parse(stdout) as WriterReport);

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
    // The race must actually have happened for the spec to prove anything.
    expect(reports[0]!.conflicts + reports[1]!.conflicts).to.be.greaterThan(0);
  });
});
