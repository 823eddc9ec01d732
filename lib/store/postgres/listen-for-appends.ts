import type { Pool, PoolClient } from 'pg';
import { appendChannel } from '../append-hooks';

/**
 * Calls `onAppend` whenever an append to `schema` commits, in any process, through LISTEN on a
 * connection of its own. Resolves to a function that stops listening and returns the connection.
 */
export async function listenForAppends(pool: Pool, schema: string, onAppend: () => void, onError: (error: unknown) => void): Promise<() => Promise<void>> {
  const client: PoolClient = await pool.connect();
  const channel = appendChannel(schema);
  client.on('notification', (message) => {
    if (message.channel === channel) onAppend();
  });
  client.on('error', onError);
  // The channel name is built from a schema checked to be a plain identifier.
  await client.query(`LISTEN "${channel}"`);
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    try {
      await client.query(`UNLISTEN "${channel}"`);
    } finally {
      client.release();
    }
  };
}
