import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigNotFoundError } from './config-errors';

/** The config file names looked for in the working folder when `--config` is not given, in order. */
export const DEFAULT_CONFIG_FILES = [
  'eventfold.config.ts',
  'eventfold.config.mts',
  'eventfold.config.cts',
  'eventfold.config.js',
  'eventfold.config.cjs',
  'eventfold.config.mjs',
] as const;

/**
 * The config file to load: `given` (from `--config`) resolved against `cwd`, or the first default
 * name present in `cwd`; `undefined` when neither is there and `required` is false.
 *
 * @throws {@link ConfigNotFoundError} when `given` does not exist, or nothing is found and `required`.
 */
export function findConfigFile(cwd: string, given: string | undefined, required: boolean): string | undefined {
  if (given !== undefined) {
    const file = resolve(cwd, given);
    if (!isFile(file)) throw new ConfigNotFoundError([given]);
    return file;
  }
  const found = DEFAULT_CONFIG_FILES.map((name) => join(cwd, name)).find(isFile);
  if (!found && required) throw new ConfigNotFoundError(DEFAULT_CONFIG_FILES, cwd);
  return found;
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}
