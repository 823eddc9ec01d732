import { Client } from 'pg';

/** A transaction held open on a connection of its own, as a forgotten session would. */
export interface OpenTransaction {
  /** The server process of its session. */
  readonly pid: number;
  /** Its transaction id, as PostgreSQL prints an xid8. */
  readonly transactionId: string;
  /** The database it runs in. */
  readonly database: string;
  commit(): Promise<void>;
  /** Ends the session (rolling the transaction back if it is still open). Harmless twice. */
  end(): Promise<void>;
}

/**
 * Opens a transaction on `url` and gives it a transaction id, the way any write would, then
 * leaves it open: `idle in transaction` until `commit()`.
 */
export async function holdTransaction(url: string): Promise<OpenTransaction> {
  const client = new Client({ connectionString: url });
  await client.connect();
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await client.end();
  };
  try {
    await client.query('begin');
    const { rows } = await client.query<{ pid: number; xid: string; database: string }>(
      'select pg_backend_pid() as pid, pg_current_xact_id()::text as xid, current_database() as database',
    );
    const { pid, xid, database } = rows[0]!;
    return {
      pid,
      transactionId: xid,
      database,
      commit: async () => {
        await client.query('commit');
      },
      end,
    };
  } catch (error) {
    await end();
    throw error;
  }
}

/** `url` with another database (or user) of the same server. */
export function urlWith(url: string, change: { database?: string; user?: string }): string {
  const changed = new URL(url);
  if (change.database !== undefined) changed.pathname = `/${change.database}`;
  if (change.user !== undefined) {
    changed.username = change.user;
    changed.password = '';
  }
  return changed.toString();
}
