import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { temporaryFolder } from './backends';

/** The root of this checkout: the package as `npm pack` would ship it, once built. */
export const packageRoot = resolve(__dirname, '..', '..', '..');

/** A project of a user of eventfold, in a temporary folder, with this checkout installed in it. */
export interface ConsumerProject {
  readonly path: string;
  /** Writes a file of the project and returns its path. */
  write(name: string, text: string): string;
  remove(): void;
}

/**
 * Makes a {@link ConsumerProject}: `node_modules/eventfold` links to this checkout, so that
 * `require('eventfold/testing')` and `import 'eventfold/testing'` go through package.json's
 * `exports` as they would for a user.
 */
export function consumerProject(): ConsumerProject {
  const folder = temporaryFolder();
  mkdirSync(join(folder.path, 'node_modules'));
  symlinkSync(packageRoot, join(folder.path, 'node_modules', 'eventfold'), 'dir');
  return {
    path: folder.path,
    write(name, text) {
      const file = join(folder.path, name);
      writeFileSync(file, text);
      return file;
    },
    remove: folder.remove,
  };
}
