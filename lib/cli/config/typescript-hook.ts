import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { TypeScriptNotFoundError } from './config-errors';
import { TranspileCache } from './transpile-cache';

/** The few parts of the `typescript` package the hook uses, so that it needs no type import. */
interface TypeScriptApi {
  readonly ModuleKind: { readonly CommonJS: number };
  readonly sys: { readonly fileExists: (path: string) => boolean; readonly readFile: (path: string) => string | undefined };
  findConfigFile(searchPath: string, fileExists: (path: string) => boolean): string | undefined;
  readConfigFile(file: string, readFile: (path: string) => string | undefined): { config?: unknown; error?: { messageText: unknown } };
  parseJsonConfigFileContent(json: unknown, host: unknown, basePath: string): { options: Record<string, unknown> };
  transpileModule(source: string, options: { compilerOptions: Record<string, unknown>; fileName: string }): { outputText: string };
}

interface CompilableModule {
  _compile(code: string, filename: string): void;
}

type ModuleInternals = typeof Module & {
  _extensions: Record<string, (module: CompilableModule, filename: string) => void>;
  _resolveFilename(request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]): string;
};

const internals = Module as ModuleInternals;
const TYPESCRIPT_EXTENSIONS = ['.ts', '.cts'];
let registered = false;
const DROPPED_OPTIONS = ['moduleResolution', 'verbatimModuleSyntax', 'declaration', 'declarationMap', 'composite', 'sourceMap', 'outDir', 'outFile', 'noEmit'];

/**
 * Lets `require` load TypeScript files, so that a config written in TypeScript (and the domain
 * files it imports) can be loaded as it is. Each file is compiled on its own with
 * `ts.transpileModule`, using the compiler options of the tsconfig.json nearest to `configFile`,
 * forced to CommonJS and with legacy decorators and their metadata on: eventfold's decorators
 * need both. The `typescript` package is taken from the application's project, not from eventfold.
 *
 * @throws {@link TypeScriptNotFoundError} when the project has no `typescript` package.
 */
export function registerTypeScript(configFile: string, cwd: string): void {
  if (registered) return;
  const typescript = locateTypeScript(configFile, [cwd, dirname(configFile)]);
  const cache = TranspileCache.for(dirname(configFile), typescript.version);
  let compiler: ((source: string, filename: string) => string) | undefined;
  const compile = (module: CompilableModule, filename: string) => {
    const source = readFileSync(filename, 'utf8');
    let output = cache.get(filename, source);
    if (output === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the project's own TypeScript, found at run time
      compiler ??= createCompiler(require(typescript.location) as TypeScriptApi, dirname(configFile));
      output = compiler(source, filename);
      cache.set(filename, source, output);
    }
    module._compile(output, filename);
  };
  process.setSourceMapsEnabled(true);
  for (const extension of TYPESCRIPT_EXTENSIONS) internals._extensions[extension] = compile;
  patchResolution();
  registered = true;
}

/** Finds the project's `typescript` package without loading it: loading takes a while, and compiled files may be cached. */
function locateTypeScript(configFile: string, paths: string[]): { location: string; version: string } {
  let location: string;
  try {
    location = require.resolve('typescript', { paths });
  } catch {
    throw new TypeScriptNotFoundError(configFile);
  }
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(require.resolve('typescript/package.json', { paths }), 'utf8')) as { version: string }).version;
  } catch {
    // Unusual layout: entries then depend on the rest of the key only.
  }
  return { location, version };
}

function createCompiler(ts: TypeScriptApi, folder: string): (source: string, filename: string) => string {
  const compilerOptions = compilerOptionsFor(ts, folder);
  return (source, fileName) => ts.transpileModule(source, { compilerOptions, fileName }).outputText;
}

function compilerOptionsFor(ts: TypeScriptApi, folder: string): Record<string, unknown> {
  const tsconfig = ts.findConfigFile(folder, ts.sys.fileExists);
  let options: Record<string, unknown> = { target: 'ES2022', esModuleInterop: true };
  if (tsconfig) {
    const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
    if (read.config) options = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfig)).options;
  }
  // Options that make no sense for one file compiled in memory, or that clash with CommonJS.
  const kept = { ...options };
  for (const option of DROPPED_OPTIONS) delete kept[option];
  return {
    ...kept,
    module: ts.ModuleKind.CommonJS,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    inlineSourceMap: true,
    inlineSources: true,
  };
}

/**
 * Two adjustments to how `require` finds files:
 *
 * - `import './order.js'` in TypeScript (the NodeNext style) names a file that exists only as
 *   `order.ts`; when the `.js` file is missing, the `.ts` one is used.
 * - A config inside eventfold's own repository (its examples) imports eventfold from its source
 *   folder. Loading that source next to the build this command runs from would give two copies
 *   of every class, and aggregates built by one copy cannot be replayed by the other; so the
 *   source files resolve to the matching files of the build instead.
 */
function patchResolution(): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(this, ...)
  const original = internals._resolveFilename;
  const ownBuild = ownBuildFolders();
  internals._resolveFilename = function (request, parent, ...rest) {
    let resolved: string;
    try {
      resolved = original.call(this, request, parent, ...rest);
    } catch (error) {
      const fromTypeScript = TYPESCRIPT_EXTENSIONS.some((extension) => parent?.filename?.endsWith(extension));
      if (!fromTypeScript || !request.startsWith('.') || !request.endsWith('.js')) throw error;
      resolved = original.call(this, `${request.slice(0, -3)}.ts`, parent, ...rest);
    }
    return ownBuild ? toOwnBuild(resolved, ownBuild) : resolved;
  };
}

interface OwnBuildFolders {
  readonly source: string;
  readonly build: string;
}

/** eventfold's source and build folders, when this command runs from a repository with both. */
function ownBuildFolders(): OwnBuildFolders | undefined {
  // This file is <root>/dist/cjs/cli/config/typescript-hook.js in the build.
  const root = resolve(__dirname, '..', '..', '..', '..');
  const source = join(root, 'lib');
  const build = join(root, 'dist', 'cjs');
  return existsSync(join(source, 'index.ts')) && existsSync(join(build, 'index.js')) ? { source, build } : undefined;
}

function toOwnBuild(file: string, folders: OwnBuildFolders): string {
  if (!file.startsWith(folders.source + sep) || !file.endsWith('.ts')) return file;
  const built = join(folders.build, `${relative(folders.source, file).slice(0, -3)}.js`);
  return existsSync(built) ? built : file;
}
