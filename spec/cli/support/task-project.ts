// A project of the small task application in spec/cli/fixtures/task-project, laid out as a user's
// project is: its own package.json, and in node_modules eventfold (this repository's build), the
// packages its files import and the `typescript` the spec asks for.
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainEvent, EventStore } from '../../../lib';
import { ROOT } from './run-cli';
import { scratchFolder } from './trading-database';

const FIXTURE = join(ROOT, 'spec', 'cli', 'fixtures', 'task-project');

/** The installed `typescript`: 5.9, the repository's own, or 7, the Go port, which has no compiler API for JavaScript. */
export type InstalledTypeScript = 'typescript' | 'typescript-7';

/** Options of {@link taskProject}. */
export interface TaskProjectOptions {
  /** Which package is installed as `typescript`. */
  readonly typescript: InstalledTypeScript;
  /** The package.json `type`: how Node reads the project's `.js` files. */
  readonly type: 'commonjs' | 'module';
}

/** The id of the task whose history the project's database holds. */
export const TASK_ID = 'task-1';

/**
 * A new project folder with the task application's files (its config as eventfold.config.ts and
 * eventfold.config.cjs) and a database, tasks.db, holding one task: opened on Friday 1 March
 * 2024, due on a Monday, done.
 */
export async function taskProject(options: TaskProjectOptions): Promise<string> {
  const folder = scratchFolder();
  for (const file of readdirSync(FIXTURE).filter((name) => name !== 'tsconfig.json')) copyFileSync(join(FIXTURE, file), join(folder, file));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'task-project', private: true, type: options.type }));
  const modules = join(folder, 'node_modules');
  mkdirSync(modules);
  symlinkSync(ROOT, join(modules, 'eventfold'), 'dir');
  for (const name of ['class-transformer', 'reflect-metadata']) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
  symlinkSync(join(ROOT, 'node_modules', options.typescript), join(modules, 'typescript'), 'dir');
  await recordTask(join(folder, 'tasks.db'));
  return folder;
}

// The task's events as the application stores them: the same names and fields, with its Dates as
// the ISO strings they are stored as, written by a store of the specs' own.
@DomainEvent('TaskOpened')
class Opened {
  constructor(
    readonly taskId: string,
    readonly title: string,
    readonly openedAt: string,
  ) {}
}

@DomainEvent('TaskScheduled')
class Scheduled {
  constructor(
    readonly taskId: string,
    readonly dueAt: string,
  ) {}
}

@DomainEvent('TaskDone')
class Done {
  constructor(readonly taskId: string) {}
}

async function recordTask(file: string): Promise<void> {
  const store = await EventStore.open({ sqlite: file, events: [Opened, Scheduled, Done] });
  try {
    await store.append({ type: 'Task', id: TASK_ID }, [
      new Opened(TASK_ID, 'Water the plants', '2024-03-01T09:30:00.000Z'),
      new Scheduled(TASK_ID, '2024-03-04T18:00:00.000Z'),
      new Done(TASK_ID),
    ]);
  } finally {
    await store.close();
  }
}
