import { createJiti } from 'jiti';
import type { ModuleCompiler } from './module-compiler';
import { shareOwnBuild } from './own-build';

/**
 * Imports a config module of any kind, with the application's files it imports: TypeScript
 * (`.ts`, `.mts`, `.cts`) or JavaScript, CommonJS or ES module. jiti loads them: it resolves
 * imports as Node does (and `./order.js` to `order.ts`), and hands what Node cannot load as it is
 * to `compiler`. No `typescript` package is involved, so the application's TypeScript version
 * does not matter.
 *
 * Resolves to the module's default export, or to `module.exports` for CommonJS:
 * `await importConfigModule('/app/eventfold.config.ts', new ModuleCompiler())`.
 */
export async function importConfigModule(file: string, compiler: ModuleCompiler): Promise<unknown> {
  shareOwnBuild();
  const jiti = createJiti(file, {
    transform: (options) => compiler.compile(options),
    // Packages come from Node's own module cache, so a config that imports eventfold gets the
    // copy this command runs: the same classes, and the same state kept in its modules. Given
    // here so that JITI_MODULE_CACHE in the environment cannot turn it off.
    moduleCache: true,
    // Compiling takes about a millisecond a file, and the source maps the compiler keeps, to name
    // the line an error came from, exist only for files it compiled in this run.
    fsCache: false,
  });
  return jiti.import(file, { default: true });
}
