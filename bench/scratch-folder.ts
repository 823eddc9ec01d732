import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary folder for the bench's database files, removed when the run ends. */
export interface ScratchFolder {
  /** A path for a new file in the folder. */
  file(name: string): string;
  /** Copies a closed SQLite database of the folder, with its `-wal` file if it has one. */
  copyDatabase(from: string, to: string): void;
  /** Deletes an SQLite database of the folder with its `-wal` and `-shm` companions. */
  discardDatabase(name: string): void;
  /** Deletes the folder and everything in it; calling it again is harmless. */
  remove(): void;
}

/**
 * Creates a fresh folder under the system's temporary directory.
 *
 * @example
 * ```ts
 * const scratch = createScratchFolder();
 * try { await run(scratch.file('batched.db')); } finally { scratch.remove(); }
 * ```
 */
export function createScratchFolder(): ScratchFolder {
  const path = mkdtempSync(join(tmpdir(), 'eventfold-bench-'));
  return {
    file: (name) => join(path, name),
    copyDatabase: (from, to) => {
      for (const suffix of ['', '-wal']) {
        const source = join(path, `${from}${suffix}`);
        if (existsSync(source)) copyFileSync(source, join(path, `${to}${suffix}`));
      }
    },
    discardDatabase: (name) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(path, `${name}${suffix}`), { force: true });
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
