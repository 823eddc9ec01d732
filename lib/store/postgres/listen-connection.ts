import { Client } from 'pg';

/** A connection that listens for notifications: a `pg.PoolClient`, or a client of its own. */
export interface ListenConnection {
  query(text: string, parameters: unknown[]): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Gives the connection up; with an error, it is not to be used again. */
  release(error?: Error): void;
}

/**
 * Opens a connection outside the store's pool for LISTEN, which holds its connection for as long
 * as a dispatcher runs: taken from the pool, it would leave a pool of one connection with none
 * for anything else, and every query would wait for it forever.
 */
export function dedicatedConnection(connectionString: string): () => Promise<ListenConnection> {
  return async () => {
    const client = new Client({ connectionString });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      query: (text, parameters) => client.query(text, parameters),
      on: (event: 'notification' | 'error', listener: never) => client.on(event as 'error', listener),
      release: () => void client.end().catch(() => undefined),
    };
  };
}
