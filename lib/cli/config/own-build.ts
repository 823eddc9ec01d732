import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Lets a config inside eventfold's own repository (its examples, its specs) share this command's
 * copy of eventfold. Such a config imports eventfold from the source folder, `lib/`, not as a
 * package. Loading that source beside the build this command runs from would give two copies of
 * every class, and the decorator registries are module singletons: aggregates known to one copy
 * cannot be replayed by the other. So each module of the build is entered in Node's module cache
 * under the name of its source file too; the config loader looks there before it compiles a file.
 *
 * Does nothing in an installed package, which has no `lib/`. Called before a config is loaded,
 * it makes `examples/trading/eventfold.config.ts`'s `import … from '../../lib'` give dist/cjs.
 */
export function shareOwnBuild(): void {
  // This file is <root>/dist/cjs/cli/config/own-build.js in the build.
  const root = resolve(__dirname, '..', '..', '..', '..');
  const source = join(root, 'lib');
  const build = join(root, 'dist', 'cjs');
  if (!existsSync(join(source, 'index.ts')) || !existsSync(join(build, 'index.js'))) return;
  for (const sourceFile of typeScriptFiles(source)) {
    const built = join(build, `${relative(source, sourceFile).slice(0, -'.ts'.length)}.js`);
    if (!existsSync(built)) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build's modules are known only at run time
    require(built);
    require.cache[sourceFile] ??= require.cache[built];
  }
}

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
