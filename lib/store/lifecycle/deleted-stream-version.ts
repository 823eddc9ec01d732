import { MAX_STREAM_VERSION } from '../expected-version';

/**
 * The stream version of a deleted stream's tombstone, its {@link StreamDeleted} event: the
 * highest version there is, as EventStoreDB does with its tombstones. Nothing can be appended
 * after it, so the tombstone is what refuses appends to a deleted stream, without a look-up on
 * the path of ordinary appends: an append reads the stream's version anyway, and finds this one.
 */
export const DELETED_STREAM_VERSION = MAX_STREAM_VERSION;
