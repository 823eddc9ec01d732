import { expect } from 'chai';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, type CliRun } from './support/run-cli';
import { TASK_ID, taskProject, type InstalledTypeScript, type TaskProjectOptions } from './support/task-project';

// The config loader this command runs, and the eventfold it was built with: what a config's own
// `import 'eventfold'` must give.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the build the command runs, not the specs' copy of lib/
const { loadConfig } = require(join(ROOT, 'dist', 'cjs', 'cli', 'config', 'load-config.js')) as typeof import('../../lib/cli/config/load-config');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
const commandEventfold = require(join(ROOT, 'dist', 'cjs', 'index.js')) as typeof import('../../lib');

/** Checks the task's history as `eventfold history` prints it: the state after each event, worked out from the events' Dates. */
function expectTaskHistory({ code, stdout, stderr }: CliRun): void {
  expect(stderr).to.equal('');
  expect(code).to.equal(0);
  const lines = stdout.split('\n');
  expect(lines[0]).to.equal(`Task ${TASK_ID}: 3 events`);
  expect(lines.filter((line) => /^v\d {2}Task\w+ {2}/.test(line)).map((line) => line.split('  ')[1])).to.deep.equal(['TaskOpened', 'TaskScheduled', 'TaskDone']);
  // openedOn comes from openedAt.toISOString(), which needs the Date that @Type(() => Date) restores.
  expect(stdout).to.contain('  ~ openedOn  "" -> "2024-03-01"\n');
  // dueOn comes from dueAt.getUTCDay(): @DeclaredType restores the Date from its design:type metadata.
  expect(stdout).to.contain('  ~ dueOn     "" -> "Monday"\n');
  expect(stdout).to.contain('  ~ done      false -> true\n');
}

function installedTypeScriptVersion(folder: string): string {
  return (JSON.parse(readFileSync(join(folder, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string }).version;
}

describe('Loading eventfold.config.ts', () => {
  const typescripts: Array<[InstalledTypeScript, RegExp]> = [
    ['typescript-7', /^7\./],
    ['typescript', /^5\./],
  ];
  for (const [typescript, version] of typescripts) {
    it(`replays a history with the config's decorated events and aggregate in a CommonJS project whose typescript is ${version.source.slice(1, 2)}`, async () => {
      const folder = await taskProject({ typescript, type: 'commonjs' });
      expect(installedTypeScriptVersion(folder)).to.match(version);

      expectTaskHistory(await runCli(['history', 'Task', TASK_ID], { cwd: folder }));
    });
  }

  it('replays a history in an ES module project ("type": "module") whose typescript is 7', async () => {
    const folder = await taskProject({ typescript: 'typescript-7', type: 'module' });

    expectTaskHistory(await runCli(['history', 'Task', TASK_ID], { cwd: folder }));
  });

  // Each config imports the application's TypeScript files, which load through the same loader.
  const forms: Array<{ config: string; from: string; type: TaskProjectOptions['type'] }> = [
    { config: 'eventfold.config.cts', from: 'eventfold.config.ts', type: 'commonjs' },
    { config: 'eventfold.config.js', from: 'eventfold.config.cjs', type: 'commonjs' },
    { config: 'eventfold.config.cjs', from: 'eventfold.config.cjs', type: 'module' },
    { config: 'eventfold.config.mts', from: 'eventfold.config.ts', type: 'module' },
    { config: 'eventfold.config.js', from: 'eventfold.config.ts', type: 'module' },
    { config: 'eventfold.config.mjs', from: 'eventfold.config.ts', type: 'module' },
  ];
  for (const { config, from, type } of forms) {
    it(`loads ${config} in ${type === 'module' ? 'an ES module' : 'a CommonJS'} project`, async () => {
      const folder = await taskProject({ typescript: 'typescript-7', type });
      if (config !== from) copyFileSync(join(folder, from), join(folder, config));

      expectTaskHistory(await runCli(['history', 'Task', TASK_ID, '--config', config], { cwd: folder }));
    });
  }
});

describe('Loading a config that fails', () => {
  it('names the file and line of a syntax error, in the config or in a file it imports', async () => {
    const folder = await taskProject({ typescript: 'typescript-7', type: 'commonjs' });
    const task = join(folder, 'task.ts');
    const source = readFileSync(task, 'utf8');
    writeFileSync(task, `${source}\nexport const broken = ;\n`);

    const { code, stdout, stderr } = await runCli(['history', 'Task', TASK_ID], { cwd: folder });

    expect(code).to.equal(1);
    expect(stdout).to.equal('');
    const line = source.split('\n').length + 1;
    expect(stderr).to.match(
      new RegExp(`^error: Config ${escape(join(folder, 'eventfold.config.ts'))} failed to load: syntax error: .+ \\(at ${escape(task)}:${line}\\)\\n$`),
    );
  });

  it('names the line that threw, in the source of a compiled file', async () => {
    const folder = await taskProject({ typescript: 'typescript-7', type: 'commonjs' });
    const task = join(folder, 'task.ts');
    const source = readFileSync(task, 'utf8');
    writeFileSync(task, `${source}\nthrow new Error('the task list is closed');\n`);

    const { code, stderr } = await runCli(['history', 'Task', TASK_ID], { cwd: folder });

    expect(code).to.equal(1);
    const line = source.split('\n').length + 1;
    expect(stderr).to.equal(`error: Config ${join(folder, 'eventfold.config.ts')} failed to load: the task list is closed (at ${task}:${line})\n`);
  });

  it('names the line of an import that finds nothing', async () => {
    const folder = await taskProject({ typescript: 'typescript-7', type: 'module' });
    writeFileSync(
      join(folder, 'eventfold.config.ts'),
      "import { defineConfig } from 'eventfold/cli';\nimport { Task } from './tasks.js';\n\nexport default defineConfig({ aggregates: [Task] });\n",
    );

    const { code, stderr } = await runCli(['history', 'Task', TASK_ID], { cwd: folder });

    expect(code).to.equal(1);
    expect(stderr).to.match(
      new RegExp(
        `^error: Config ${escape(join(folder, 'eventfold.config.ts'))} failed to load: .*'\\./tasks\\.js'.* \\(at ${escape(join(folder, 'eventfold.config.ts'))}:2\\)\\n$`,
      ),
    );
  });
});

describe('A config that imports eventfold', () => {
  it('gets the copy of eventfold that the command runs, through the package', async () => {
    const folder = await taskProject({ typescript: 'typescript-7', type: 'module' });
    const file = join(folder, 'identity.config.ts');
    writeFileSync(file, "import * as eventfold from 'eventfold';\n\nexport default { eventfold };\n");

    const config = (await loadConfig(file)) as { eventfold?: typeof commandEventfold };

    expect(config.eventfold?.EventStore).to.equal(commandEventfold.EventStore);
    expect(config.eventfold?.AggregateRoot).to.equal(commandEventfold.AggregateRoot);
  });

  it("gets the command's build when it imports this repository's source, as the examples do", async () => {
    const folder = await taskProject({ typescript: 'typescript-7', type: 'commonjs' });
    const file = join(folder, 'identity.config.ts');
    writeFileSync(file, `import * as eventfold from ${JSON.stringify(join(ROOT, 'lib'))};\n\nexport default { eventfold };\n`);

    const config = (await loadConfig(file)) as { eventfold?: typeof commandEventfold };

    expect(config.eventfold?.EventStore).to.equal(commandEventfold.EventStore);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
