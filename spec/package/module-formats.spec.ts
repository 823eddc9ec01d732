import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compilers, consumerFolder, type ConsumerProject } from '../support/packed-package';

const run = promisify(execFile);

const consumer = (load: string) => `
${load}
const { EventStore, DomainEvent, ConcurrencyError } = eventfold;
class Ping { constructor(n) { this.n = n; } }
DomainEvent('Ping')(Ping);
const store = await EventStore.open({ sqlite: ':memory:' });
await store.append({ type: 'Pinger', id: 'p-1' }, [new Ping(1)], { expectedVersion: 'no-stream' });
const read = [];
for await (const recorded of store.readAll()) read.push(recorded.event.n);
await store.close();
console.log(JSON.stringify({ read, concurrency: typeof ConcurrencyError }));
`;

describe('The published package', function () {
  this.timeout(60_000);
  let folder: ConsumerProject;
  before(async () => {
    folder = await consumerFolder('commonjs');
  });
  after(() => folder.remove());

  it('works from a CommonJS project through require()', async () => {
    const file = join(folder.path, 'consumer.cjs');
    writeFileSync(file, `(async () => {${consumer("const eventfold = require('eventfold');")}})();`);
    const { stdout } = await run(process.execPath, [file]);
    expect(JSON.parse(stdout)).to.deep.equal({ read: [1], concurrency: 'function' });
  });

  it('works from an ES module project through import, sharing the classes require() gives', async () => {
    const file = join(folder.path, 'consumer.mjs');
    writeFileSync(
      file,
      `import * as eventfold from 'eventfold';
import { createRequire } from 'node:module';
if (createRequire(import.meta.url)('eventfold').EventStore !== eventfold.EventStore) throw new Error('two copies of EventStore');
${consumer('')}`,
    );
    const { stdout } = await run(process.execPath, [file]);
    expect(JSON.parse(stdout)).to.deep.equal({ read: [1], concurrency: 'function' });
  });

  // The event browser's own dependencies (its HTTP framework) must come with the tarball, and its
  // entry point must load and serve the same way from either module system.
  for (const [kind, extension, load] of [
    ['CommonJS', 'cjs', "const eventfold = require('eventfold'); const ui = require('eventfold/ui');"],
    ['ES modules', 'mjs', "import * as eventfold from 'eventfold'; import * as ui from 'eventfold/ui';"],
  ] as const) {
    it(`serves the event browser from eventfold/ui in ${kind}`, async () => {
      const file = join(folder.path, `browser.${extension}`);
      const body = `const store = await eventfold.EventStore.open({ sqlite: ':memory:' });
const browser = await ui.serveEventBrowser(store, { port: 0 });
const response = await fetch(browser.url + '/streams');
const page = await response.text();
await browser.close();
await store.close();
console.log(JSON.stringify({ status: response.status, titled: page.includes('<title>Streams') }));`;
      writeFileSync(file, extension === 'mjs' ? `${load}\n${body}` : `${load}\n(async () => {${body}})();`);
      const { stdout } = await run(process.execPath, [file]);
      expect(JSON.parse(stdout)).to.deep.equal({ status: 200, titled: true });
    });
  }

  it('ships type declarations that an ES module TypeScript project can compile against', async () => {
    const file = join(folder.path, 'consumer.mts');
    writeFileSync(
      file,
      `import { EventStore, NO_STREAM, type RecordedEvent } from 'eventfold';
export async function head(file: string): Promise<number> {
  const store = await EventStore.open({ sqlite: file });
  const seen: RecordedEvent[] = [];
  for await (const recorded of store.readAll()) seen.push(recorded);
  return seen.length + (NO_STREAM === 'no-stream' ? 0 : 1);
}
`,
    );
    // Compiled beside it, a misuse the declarations must catch: they are types, not any.
    const misuse = join(folder.path, 'misuse.mts');
    writeFileSync(
      misuse,
      `import { EventStore } from 'eventfold';
export const store = EventStore.open({ sqlite: 42 });
`,
    );
    const [typescript5] = compilers;
    const args = [typescript5.tsc, '--noEmit', '--pretty', 'false', '--strict', '--module', 'node16', '--target', 'es2022', file, misuse];
    const output = await run(process.execPath, args, { cwd: folder.path }).then(
      () => '',
      (error: Error & { stdout?: string }) => error.stdout ?? error.message,
    );
    expect(output.trim()).to.match(/^misuse\.mts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'\.$/);
  });
});
