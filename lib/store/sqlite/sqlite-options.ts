/**
 * How hard SQLite works to keep committed events across a power loss.
 * - `'normal'` (default): with WAL, a commit survives a crash of the process; a power loss may
 *   lose the last commits, never corrupt the file.
 * - `'full'`: every commit is synced to disk before `append` resolves; slower.
 */
export type Durability = 'normal' | 'full';

/** Options of an embedded SQLite store. */
export interface SqliteOptions {
  /** A file name, or `':memory:'` for a store that lives and dies with the process. */
  sqlite: string;
  /** See {@link Durability}. Defaults to `'normal'`. */
  durability?: Durability;
  /**
   * How long a write waits for another process's write to finish before failing with
   * `DatabaseBusyError`, in milliseconds. Defaults to 5000.
   */
  busyTimeoutMs?: number;
}
