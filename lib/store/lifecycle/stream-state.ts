import type { StoreBackend } from '../backend/store-backend';
import { currentVersion } from '../current-version';
import type { StreamRef } from '../stream-ref';
import { isArchived } from './archived-streams';
import { DELETED_STREAM_VERSION } from './deleted-stream-version';

/**
 * Where a stream is in its lifecycle: `'active'` (the state of every stream, with events or not,
 * until it is archived or deleted), `'archived'` (hidden from reads until restored) or
 * `'deleted'` (only its tombstone left).
 */
export type StreamState = 'active' | 'archived' | 'deleted';

/**
 * The state of a stream. Asked only where a read found nothing, to say why: reads of active
 * streams never pay for it.
 */
export async function streamStateOf(backend: StoreBackend, stream: StreamRef): Promise<StreamState> {
  if ((await currentVersion(backend.db, backend.queries, stream)) === DELETED_STREAM_VERSION) return 'deleted';
  return (await isArchived(backend.db, stream)) ? 'archived' : 'active';
}
