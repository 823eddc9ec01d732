import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { EventStore, type StreamRef } from '../../lib';
import { orderEventType, orderFields, type OrderFields } from '../bench-domain';
import type { PostgresRun } from './postgres-run';

/** Columns of one inserted event, in the order of {@link insertEventsSql}'s placeholders. */
const COLUMNS = 'event_id, stream_type, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at';
const PARAMETERS_PER_ROW = 9;

/**
 * Creates the event log in `schema` with eventfold's own migrations, so that the raw side writes
 * to exactly the tables and indexes eventfold writes to. Not timed.
 */
async function createEventLogTables(url: string, schema: string): Promise<void> {
  const store = await EventStore.open({ postgres: url, schema, poolSize: 1 });
  await store.close();
}

/**
 * Creates the event log in the run's schema, then runs `work` with a `pg` client whose
 * unqualified table names resolve there, and closes the client.
 */
export async function withRawLog<T>(run: PostgresRun, work: (client: Client) => Promise<T>): Promise<T> {
  return withRawClients(run, 1, (clients) => work(clients[0]!));
}

/** {@link withRawLog} with `count` clients, each a connection of its own. */
export async function withRawClients<T>(run: PostgresRun, count: number, work: (clients: readonly Client[]) => Promise<T>): Promise<T> {
  await createEventLogTables(run.url, run.schema);
  const clients = Array.from({ length: count }, () => new Client({ connectionString: run.url }));
  try {
    for (const client of clients) {
      await client.connect();
      await client.query(`set search_path to "${run.schema}"`);
    }
    return await work(clients);
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

/** A multi-row INSERT of `rows` events that returns their positions. */
export function insertEventsSql(rows: number): string {
  const values = Array.from({ length: rows }, (_, row) => {
    const first = row * PARAMETERS_PER_ROW;
    return `(${Array.from({ length: PARAMETERS_PER_ROW }, (_, column) => `$${first + column + 1}`).join(', ')})`;
  });
  return `insert into eventfold_events (${COLUMNS}) values ${values.join(', ')} returning position`;
}

/** An event as the raw side writes it. */
export interface RawEvent {
  readonly type: string;
  readonly fields: OrderFields;
}

/** `count` events of the synthetic order tape from its `first`-th, as the raw side writes them. */
export function rawTape(first: number, count: number): RawEvent[] {
  return Array.from({ length: count }, (_, offset) => ({ type: orderEventType(first + offset), fields: orderFields(first + offset) }));
}

/**
 * What an application would write by hand: one transaction that reads the stream's version and
 * inserts the events after it in one statement. Resolves to the positions the rows were given.
 */
export async function appendRaw(client: Client, stream: StreamRef, events: readonly RawEvent[], insertSql: string): Promise<number[]> {
  await client.query('begin');
  try {
    const { rows } = await client.query<{ version: number | null }>(
      'select max(stream_version) as version from eventfold_events where stream_type = $1 and stream_id = $2',
      [stream.type, stream.id],
    );
    const version = rows[0]?.version ?? 0;
    const recordedAt = new Date().toISOString();
    const parameters: unknown[] = [];
    events.forEach(({ type, fields }, offset) =>
      parameters.push(uuidv7(), stream.type, stream.id, version + offset + 1, type, 1, JSON.stringify(fields), '{}', recordedAt),
    );
    const inserted = await client.query<{ position: string }>(insertSql, parameters);
    await client.query('commit');
    return inserted.rows.map((row) => Number(row.position));
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
