import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dispatcher, EventStore, type CommonStoreOptions, type DispatcherOptions } from '../../lib';

/** A database the contract specs can run against. */
export interface Backend {
  readonly name: string;
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
    async open(options = {}) {
      folder ??= temporaryFolder();
      file = join(folder.path, `store-${++count}.db`);
      return track(await EventStore.open({ sqlite: file, ...options }));
    },
    async reopen(options = {}) {
      return track(await EventStore.open({ sqlite: file, ...options }));
    },
    async dispatch(store, subscribers, options) {
      const dispatcher = await Dispatcher.start(store, subscribers, options);
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

/**
 * Runs `define` once per backend, inside a `describe` named after it, so that the same specs
 * hold for every database eventfold supports.
 */
export function forEachBackend(title: string, define: (backend: Backend) => void): void {
  for (const make of [sqliteBackend]) {
    const backend = make();
    describe(`${title} [${backend.name}]`, function () {
      afterEach(() => backend.cleanup());
      define(backend);
    });
  }
}
