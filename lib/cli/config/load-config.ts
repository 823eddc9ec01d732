import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isEventfoldError } from '../../errors/eventfold-error';
import type { EventfoldConfig } from '../define-config';
import { ConfigInvalidError } from './config-errors';
import { registerTypeScript } from './typescript-hook';

/**
 * Loads a config module and returns its default export (or, for CommonJS, `module.exports`),
 * checked to have the shape of an {@link EventfoldConfig}. TypeScript configs are compiled on
 * the fly with the project's own `typescript` package.
 *
 * @throws {@link ConfigInvalidError} when the module throws while loading or exports something else.
 * @throws {@link TypeScriptNotFoundError} for a TypeScript config in a project without TypeScript.
 */
export async function loadConfig(file: string, cwd: string): Promise<EventfoldConfig> {
  const extension = extname(file);
  if (extension === '.ts' || extension === '.cts') registerTypeScript(file, cwd);
  let exported: unknown;
  try {
    exported = extension === '.mjs' ? await importModule(file) : requireModule(file);
  } catch (error) {
    if (isEventfoldError(error) && error.code === 'EVENTFOLD_CLI_TYPESCRIPT_MISSING') throw error;
    throw new ConfigInvalidError(file, `failed to load: ${describe(error)}`, { cause: error });
  }
  return checkConfig(file, defaultExport(exported));
}

function requireModule(file: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the config file's path is known only at run time
    return require(file);
  } catch (error) {
    // A .js file in a package of "type": "module" must be imported, not required.
    if ((error as { code?: string }).code === 'ERR_REQUIRE_ESM') return importModule(file);
    throw error;
  }
}

// The TypeScript compiler turns `import()` into `require()` in CommonJS output; a function made
// at run time keeps the real dynamic import, which ES module configs need.
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed body, not user input: see above
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

function importModule(file: string): Promise<unknown> {
  return dynamicImport(pathToFileURL(file).href);
}

function defaultExport(exported: unknown): unknown {
  if (typeof exported === 'object' && exported !== null && 'default' in exported) return exported.default;
  return exported;
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
