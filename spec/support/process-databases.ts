import { join } from 'node:path';
import { EventStore } from '../../lib';
import { dropSchemas, uniqueSchema } from './backends';
import { Deposit } from './subscriber-fixtures';

/** A store opened for a spec, with the arguments that let a child process open the same database. */
export interface OpenedProcessDatabase {
  readonly store: EventStore;
  /** `[file, '-']` for SQLite, `[url, schema]` for PostgreSQL. */
  readonly args: string[];
  dispose(): Promise<void>;
}

/** A database a spec and its child processes can open: an SQLite file, or a schema of the PostgreSQL server. */
export interface ProcessDatabase {
  readonly name: string;
  open(folder: string): Promise<OpenedProcessDatabase>;
}

/**
 * The databases to run a child-process spec on, each with a store that knows `Deposit`: an SQLite
 * file named `fileName` in the spec's folder, and a fresh PostgreSQL schema when `url` is given.
 */
export function processDatabases(fileName: string, url: string | undefined): ProcessDatabase[] {
  const sqlite: ProcessDatabase = {
    name: 'SQLite',
    async open(folder) {
      const file = join(folder, fileName);
      return { store: await EventStore.open({ sqlite: file, events: [Deposit] }), args: [file, '-'], dispose: async () => undefined };
    },
  };
  if (url === undefined) return [sqlite];
  const postgres: ProcessDatabase = {
    name: 'PostgreSQL',
    async open() {
      const schema = uniqueSchema();
      const store = await EventStore.open({ postgres: url, schema, poolSize: 2, events: [Deposit] });
      return { store, args: [url, schema], dispose: () => dropSchemas(url, [schema]) };
    },
  };
  return [sqlite, postgres];
}
