import { basename } from 'node:path';
import { sql } from 'kysely';
import { DatabaseOpenError } from '../../store/database-open-error';
import { EventStore } from '../../event-store/event-store';

import { isPostgresUrl, redactPassword } from '../../store/postgres/connection-string';
import { EVENTS_TABLE } from '../../store/schema';
import { findConfigFile } from '../config/find-config-file';
import { loadConfig } from '../config/load-config';
import type { EventfoldConfig } from '../define-config';
import { NotAnEventfoldDatabaseError } from './database-errors';
import { existingDatabaseFile } from './database-file';

/** The options every command that opens a database takes. */
export interface SessionOptions {
  /** `--config`: the config module. Defaults to eventfold.config.ts (or .js) in the working folder. */
  readonly config?: string;
  /** `--db`: the database, overriding the config's `database`. */
  readonly db?: string;
  /** `--schema`: the PostgreSQL schema, overriding the config's `schema`. */
  readonly schema?: string;
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
    /** The store, open on the database the options or the config name. */
    readonly store: EventStore,
    /** The database, for messages: the SQLite file's name, or the URL (password hidden) and schema. */
    readonly databaseLabel: string,
  ) {}

  /**
   * Loads the config, checks the database exists and opens a store on it.
   *
   * @throws {@link ConfigNotFoundError}, {@link DatabaseMissingError} and the other errors of
   *   {@link loadConfig} and {@link existingDatabaseFile}.
   */
  static async open(options: SessionOptions, needs: SessionNeeds, cwd = process.cwd()): Promise<CliSession> {
    const configFile = findConfigFile(cwd, options.config, needs.config);
    const config = configFile ? await loadConfig(configFile) : {};
    const given = options.db ?? config.database;
    const registered = { events: [...(config.events ?? [])], aggregates: [...(config.aggregates ?? [])] };
    if (isPostgresUrl(given)) {
      const schema = options.schema ?? config.schema ?? 'public';
      const label = `${redactPassword(given)} schema ${schema}`;
      const store = await EventStore.open({ postgres: given, schema, poolSize: 4, migrate: false, ...registered });
      await assertSchemaHoldsEventLog(store, schema, label);
      return new CliSession(config, store, label);
    }
    const databaseFile = existingDatabaseFile(cwd, given);
    const store = await EventStore.open({ sqlite: databaseFile, ...registered });
    return new CliSession(config, store, basename(databaseFile));
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
 * Checks that a PostgreSQL schema holds an event log, without creating one: like an SQLite file,
 * a schema the command line is pointed at by mistake must be left as it was.
 */
async function assertSchemaHoldsEventLog(store: EventStore, schema: string, label: string): Promise<void> {
  try {
    const { rows } = await sql<{
      found: number;
    }>`select 1 as found from information_schema.tables where table_schema = ${schema} and table_name = ${EVENTS_TABLE}`.execute(store.eventfoldDb);
    if (rows.length === 0) throw new NotAnEventfoldDatabaseError(label, `schema ${schema} has no ${EVENTS_TABLE} table`);
  } catch (error) {
    await store.close();
    if (error instanceof NotAnEventfoldDatabaseError) throw error;
    throw new DatabaseOpenError(label, store.backend.openFailureReason(error), { cause: error });
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
