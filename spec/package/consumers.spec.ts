import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { blockUnder } from '../support/markdown-blocks';
import { compile, compilers, consumerFolder, packageRoot, packedInstallation, type ConsumerProject } from '../support/packed-package';

const run = promisify(execFile);
const readme = join(packageRoot, 'README.md');

// What a new user does: take the README's tsconfig.json and quick start, in a project that has
// only eventfold (from its tarball) and TypeScript, and expect it to compile and run.
describe('A new project following the README', function () {
  this.timeout(120_000);
  const tsconfig = blockUnder(readme, 'tsconfig.json', 'json').code;
  const quickStart = blockUnder(readme, 'Quick start', 'ts').code;

  before(async () => {
    await packedInstallation();
  });

  it('has a tsconfig.json that is strict and does not skip checking the libraries it uses', () => {
    const { compilerOptions } = JSON.parse(tsconfig) as { compilerOptions: Record<string, unknown> };
    expect(compilerOptions).to.include({ strict: true, experimentalDecorators: true });
    expect(compilerOptions).not.to.have.property('skipLibCheck');
  });

  for (const type of ['commonjs', 'module'] as const) {
    for (const { name, tsc } of compilers) {
      describe(`as ${type === 'module' ? 'ES modules' : 'CommonJS'}, on ${name}`, () => {
        let project: ConsumerProject;
        before(async () => {
          project = await consumerFolder(type);
          writeFileSync(join(project.path, 'tsconfig.json'), tsconfig);
          writeFileSync(join(project.path, 'quick-start.ts'), quickStart);
          // A read model helper typed with the application's own import of Kysely: ES module
          // projects must get the same Kysely types from eventfold, or '#private' differs.
          writeFileSync(
            join(project.path, 'read-model.ts'),
            `import type { Kysely } from 'kysely';
import type { ProjectionContext } from 'eventfold';
async function markShipped(db: Kysely<any>, id: string): Promise<void> {
  await db.updateTable('order_status').set({ status: 'shipped' }).where('id', '=', id).execute();
}
export async function shipped(context: ProjectionContext): Promise<void> {
  await markShipped(context.db, context.recorded.streamId);
}
`,
          );
          // The event browser's entry point, which compiles without @types/node in the project.
          writeFileSync(
            join(project.path, 'event-browser.ts'),
            `import type { EventStore } from 'eventfold';
import { eventBrowser, serveEventBrowser, type RunningEventBrowser } from 'eventfold/ui';
export function mount(store: EventStore): void {
  const browser = eventBrowser(store, { basePath: '/events', lagSampleMs: 1000 });
  const listener: (request: object, response: object) => void = browser.handle;
  void listener;
}
export function serve(store: EventStore): Promise<RunningEventBrowser> {
  return serveEventBrowser(store, { port: 0, operations: true });
}
`,
          );
        });
        after(() => project.remove());

        it('compiles the quick start without errors', async () => {
          expect(await compile(tsc, project.path)).to.equal('');
        });

        it('runs the quick start and prints the order’s history', async () => {
          const { stdout } = await run(process.execPath, [join('dist', 'quick-start.js')], { cwd: project.path });
          expect(stdout).to.equal('1 OrderPlaced placed\n2 OrderShipped shipped\n');
        });
      });
    }
  }
});
