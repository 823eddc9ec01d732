import { EventStore } from '../../store/event-store';
import { findConfigFile } from '../config/find-config-file';
import { loadConfig } from '../config/load-config';
import type { EventfoldConfig } from '../define-config';
import { existingDatabaseFile } from './database-file';

/** The options every command that opens a database takes. */
export interface SessionOptions {
  /** `--config`: the config module. Defaults to eventfold.config.ts (or .js) in the working folder. */
  readonly config?: string;
  /** `--db`: the database, overriding the config's `database`. */
  readonly db?: string;
}

/** What a command needs from the config. */
export interface SessionNeeds {
  /** Whether the command fails without a config (it needs classes or subscribers from it). */
  readonly config: boolean;
}

/**
 * What one run of a command works with: the application's config and a store open on its
 * database, with the config's events and aggregates registered.
 */
export class CliSession {
  private subscriberList: Promise<readonly object[]> | undefined;

  private constructor(
    /** The config; empty when the command runs without one. */
    readonly config: EventfoldConfig,
    /** The store, open on {@link CliSession.databaseFile}. */
    readonly store: EventStore,
    /** The database file, as an absolute path. */
    readonly databaseFile: string,
  ) {}

  /**
   * Loads the config, checks the database exists and opens a store on it.
   *
   * @throws {@link ConfigNotFoundError}, {@link DatabaseMissingError} and the other errors of
   *   {@link loadConfig} and {@link existingDatabaseFile}.
   */
  static async open(options: SessionOptions, needs: SessionNeeds, cwd = process.cwd()): Promise<CliSession> {
    const configFile = findConfigFile(cwd, options.config, needs.config);
    const config = configFile ? await loadConfig(configFile, cwd) : {};
    const databaseFile = existingDatabaseFile(cwd, options.db ?? config.database);
    const store = await EventStore.open({
      sqlite: databaseFile,
      events: [...(config.events ?? [])],
      aggregates: [...(config.aggregates ?? [])],
    });
    return new CliSession(config, store, databaseFile);
  }

  /** Runs the config's `setup` (read-model tables, say), for commands that run subscribers. */
  async prepare(): Promise<void> {
    await this.config.setup?.(this.store);
  }

  /** The config's subscribers, made once per session. */
  subscribers(): Promise<readonly object[]> {
    this.subscriberList ??= Promise.resolve(this.config.subscribers?.(this.store) ?? []);
    return this.subscriberList;
  }

  /** Closes the store. */
  close(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Opens a session, runs `work` with it and closes it, whether `work` succeeds or not.
 *
 * @example
 * ```ts
 * await withSession(options, { config: true }, async (session) => {
 *   console.log(await session.store.headPosition());
 * });
 * ```
 */
export async function withSession<T>(options: SessionOptions, needs: SessionNeeds, work: (session: CliSession) => Promise<T>): Promise<T> {
  const session = await CliSession.open(options, needs);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
