import type { ListenConnection } from './listen-connection';

/**
 * Calls `onAppend` whenever an append announced on `channel` commits, in any process, through
 * LISTEN on a connection of its own. Resolves to a function that stops listening and returns the connection.
 */
export async function listenForAppends(
  connect: () => Promise<ListenConnection>,
  channel: string,
  onAppend: () => void,
  onError: (error: unknown) => void,
): Promise<() => Promise<void>> {
  const client = await connect();
  client.on('notification', (message) => {
    if (message.channel === channel) onAppend();
  });
  client.on('error', onError);
  try {
    // The channel name is built from a schema checked to be a plain identifier.
    await client.query(`LISTEN "${channel}"`, []);
  } catch (error) {
    // Released with the error, the pool discards the connection instead of handing it out
    // again still subscribed to handlers for a listener that never started.
    client.release(error as Error);
    throw error;
  }
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    try {
      await client.query(`UNLISTEN "${channel}"`, []);
    } finally {
      client.release();
    }
  };
}
