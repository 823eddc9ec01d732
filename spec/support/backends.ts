import { mkdtempSync, rmSync } from 'node:fs';
import { Pool } from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dispatcher, EventStore, type CommonStoreOptions, type DispatcherOptions } from '../../lib';

/** A database the contract specs can run against. */
export interface Backend {
  readonly name: string;
  /**
   * Payload text that decodes to no event, and what the error says about it. SQLite stores any
   * text, so there it is broken JSON; PostgreSQL's jsonb refuses text that is not JSON, so there
   * it is valid JSON that is no object.
   */
  readonly corrupt: { readonly json: string; readonly reason: RegExp };
  /** Opens a store on a database of its own, empty at first. */
  open(options?: CommonStoreOptions): Promise<EventStore>;
  /** Opens another store on the same database as the last `open` (a second process, say). */
  reopen(options?: CommonStoreOptions): Promise<EventStore>;
  /** Starts a dispatcher that is stopped when the spec ends, whatever happens. */
  dispatch(store: EventStore, subscribers: object[], options?: DispatcherOptions): Promise<Dispatcher>;
  /** Removes what the backend created. */
  cleanup(): Promise<void>;
}

/** A fresh temporary folder, removed by the returned function. */
export function temporaryFolder(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'eventfold-spec-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function sqliteBackend(): Backend {
  let folder: ReturnType<typeof temporaryFolder> | undefined;
  let file = '';
  const stores: EventStore[] = [];
  const dispatchers: Dispatcher[] = [];
  let count = 0;
  const track = (store: EventStore) => (stores.push(store), store);
  return {
    name: 'sqlite',
    corrupt: { json: '{"volume": 2, ', reason: /not valid JSON/ },
    async open(options = {}) {
      folder ??= temporaryFolder();
      file = join(folder.path, `store-${++count}.db`);
      return track(await EventStore.open({ sqlite: file, ...options }));
    },
    async reopen(options = {}) {
      return track(await EventStore.open({ sqlite: file, ...options }));
    },
    async dispatch(store, subscribers, options) {
      // Specs that check what is logged pass a logger of their own; the rest keep the output quiet.
      const dispatcher = await Dispatcher.start(store, subscribers, { logger: false, ...options });
      dispatchers.push(dispatcher);
      return dispatcher;
    },
    async cleanup() {
      await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.stop()));
      await Promise.all(stores.splice(0).map((store) => store.close()));
      folder?.remove();
      folder = undefined;
    },
  };
}

/** The environment variable that points the PostgreSQL half of the contract specs at a server. */
export const POSTGRES_URL_VARIABLE = 'EVENTFOLD_POSTGRES_URL';

/** The PostgreSQL server to run specs against, if one was named. */
export const postgresUrl = process.env[POSTGRES_URL_VARIABLE];

let schemaCount = 0;

/** A fresh schema name, unique to this process, so runs never see each other's data. */
export function uniqueSchema(): string {
  return `eventfold_spec_${process.pid}_${Date.now().toString(36)}_${++schemaCount}`;
}

function postgresBackend(url: string): Backend {
  const schemas: string[] = [];
  const stores: EventStore[] = [];
  const dispatchers: Dispatcher[] = [];
  const track = (store: EventStore) => (stores.push(store), store);
  return {
    name: 'postgres',
    corrupt: { json: '[1, 2]', reason: /not a JSON object/ },
    async open(options = {}) {
      schemas.push(uniqueSchema());
      return track(await EventStore.open({ postgres: url, schema: schemas[schemas.length - 1], poolSize: 4, ...options }));
    },
    async reopen(options = {}) {
      return track(await EventStore.open({ postgres: url, schema: schemas[schemas.length - 1], poolSize: 4, ...options }));
    },
    async dispatch(store, subscribers, options) {
      // Specs that check what is logged pass a logger of their own; the rest keep the output quiet.
      const dispatcher = await Dispatcher.start(store, subscribers, { logger: false, ...options });
      dispatchers.push(dispatcher);
      return dispatcher;
    },
    async cleanup() {
      await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.stop()));
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await dropSchemas(url, schemas.splice(0));
    },
  };
}

/** Drops schemas made by specs. */
export async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    for (const schema of schemas) await pool.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await pool.end();
  }
}

let skipReported = false;

/**
 * The PostgreSQL server URL, or undefined after printing (once per run) why the PostgreSQL
 * specs skip and how to enable them.
 */
export function postgresUrlOrReportSkip(): string | undefined {
  if (postgresUrl) return postgresUrl;
  if (!skipReported) {
    skipReported = true;
    process.stdout.write(
      `PostgreSQL specs skipped: ${POSTGRES_URL_VARIABLE} is not set ` + `(e.g. ${POSTGRES_URL_VARIABLE}=postgres://postgres@127.0.0.1:5432/test npm test).\n`,
    );
  }
  return undefined;
}

/** The backends the contract specs run on: SQLite always, PostgreSQL when a server is named. */
function backendFactories(): Array<() => Backend> {
  const url = postgresUrlOrReportSkip();
  return url ? [sqliteBackend, () => postgresBackend(url)] : [sqliteBackend];
}

/**
 * Runs `define` once per backend, inside a `describe` named after it, so that the same specs
 * hold for every database eventfold supports.
 */
export function forEachBackend(title: string, define: (backend: Backend) => void): void {
  for (const make of backendFactories()) {
    const backend = make();
    describe(`${title} [${backend.name}]`, function () {
      afterEach(() => backend.cleanup());
      define(backend);
    });
  }
}
