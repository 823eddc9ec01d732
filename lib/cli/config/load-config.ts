import type { EventfoldConfig } from '../define-config';
import { ConfigInvalidError } from './config-errors';
import { importConfigModule } from './import-config-module';
import { describeLoadFailure } from './load-failure';
import { ModuleCompiler } from './module-compiler';
import { describeLocation } from './source-location';

/**
 * Loads a config module and returns its default export (or, for CommonJS, `module.exports`),
 * checked to have the shape of an {@link EventfoldConfig}. TypeScript configs, and the
 * TypeScript files they import, are compiled as they load; see {@link importConfigModule}.
 *
 * @throws {@link ConfigInvalidError} when the module (or a file it imports) has a syntax error or
 *   throws while loading, naming the file and line, or when it exports something else.
 */
export async function loadConfig(file: string): Promise<EventfoldConfig> {
  const compiler = new ModuleCompiler();
  let exported: unknown;
  try {
    exported = await importConfigModule(file, compiler);
  } catch (error) {
    const { reason, location } = describeLoadFailure(error, compiler);
    const where = location ? ` (at ${describeLocation(location)})` : '';
    throw new ConfigInvalidError(file, `failed to load: ${reason}${where}`, { cause: error, location });
  }
  return checkConfig(file, exported);
}

function checkConfig(file: string, config: unknown): EventfoldConfig {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigInvalidError(file, `must export a config as default (export default defineConfig({ ... })), but exports ${describeValue(config)}.`);
  }
  const fields = config as Record<string, unknown>;
  const problem =
    problemWith(fields, 'database', (value) => typeof value === 'string' && value !== '', 'a file name') ??
    problemWith(fields, 'events', isArrayOfClasses, 'an array of event classes') ??
    problemWith(fields, 'aggregates', isArrayOfClasses, 'an array of aggregate classes') ??
    problemWith(fields, 'setup', (value) => typeof value === 'function', 'a function (store) => ...') ??
    problemWith(fields, 'subscribers', (value) => typeof value === 'function', 'a function (store) => [subscribers]');
  if (problem) throw new ConfigInvalidError(file, problem);
  return config;
}

function problemWith(fields: Record<string, unknown>, name: string, valid: (value: unknown) => boolean, wanted: string): string | undefined {
  const value = fields[name];
  if (value === undefined || valid(value)) return undefined;
  return `has an invalid ${name}: expected ${wanted}, got ${describeValue(value)}.`;
}

function isArrayOfClasses(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'function');
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
