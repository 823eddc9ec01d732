import { transformSync, type Options } from '@swc/core';
import { SourceMap } from 'node:module';
import { ModuleSyntaxError } from './module-syntax-error';

/** What the config loader (jiti) asks to compile: a file's text, its name, and whether it is TypeScript. */
export interface CompileRequest {
  readonly source: string;
  readonly filename?: string;
  readonly ts?: boolean;
}

/**
 * Compiles the files of an application's config as they load: TypeScript, and JavaScript written
 * as ES modules, into CommonJS, with swc. TypeScript is compiled as `tsc` compiles it with
 * `experimentalDecorators`, `emitDecoratorMetadata` and `useDefineForClassFields: false`: legacy
 * decorators, their `design:type` and `design:paramtypes` metadata, and class fields without an
 * initializer left out, so that a property decorator's work is not undone by the field.
 *
 * Keeps the source map of every file it compiled, to tell the line of the source that a line of
 * its output came from: stack traces of code run by the config loader are not mapped by Node.
 *
 * @example
 * ```ts
 * const compiler = new ModuleCompiler();
 * const { code } = compiler.compile({ source: 'export class Order {}', filename: '/app/order.ts', ts: true });
 * compiler.sourceLine('/app/order.ts', 80, 7); // 31: the line of order.ts that line 80 of code came from
 * ```
 */
export class ModuleCompiler {
  private readonly sourceMaps = new Map<string, SourceMap>();

  /**
   * Compiles one file, in the shape the config loader (jiti) asks for.
   *
   * @throws {@link ModuleSyntaxError} when the file is not valid TypeScript or JavaScript.
   */
  compile({ source, filename = 'module.ts', ts = false }: CompileRequest): { code: string } {
    let output: { code: string; map?: string };
    try {
      output = transformSync(source, compileOptions(filename, ts));
    } catch (error) {
      throw ModuleSyntaxError.fromCompilerMessage(filename, error);
    }
    if (output.map) this.sourceMaps.set(filename, new SourceMap(JSON.parse(output.map) as ConstructorParameters<typeof SourceMap>[0]));
    return { code: output.code };
  }

  /** The source line that `line` and `column` (both from 1, as in a stack trace) of `file`'s compiled code came from. */
  sourceLine(file: string, line: number, column: number): number | undefined {
    const map = this.sourceMaps.get(file);
    if (!map) return undefined;
    // Code the compiler adds, such as the require() of an import, has no mapping of its own at the
    // start of its line: then the line's last mapping tells, not one from a line before it.
    const entry = mappingOnLine(map, line - 1, column - 1) ?? mappingOnLine(map, line - 1, Number.MAX_SAFE_INTEGER);
    return entry && entry.originalLine + 1;
  }
}

function mappingOnLine(map: SourceMap, line: number, column: number): { originalLine: number } | undefined {
  const entry = map.findEntry(line, column);
  return 'originalLine' in entry && entry.generatedLine === line ? entry : undefined;
}

function compileOptions(filename: string, typescript: boolean): Options {
  return {
    filename,
    // A JavaScript file without import or export is a CommonJS script: it stays one, and does not
    // become strict mode code. TypeScript files are modules, as tsc takes them.
    isModule: typescript ? true : 'unknown',
    // Only what is set here: the application's .swcrc, if any, is for its own build.
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    jsc: {
      target: 'es2022',
      parser: typescript ? { syntax: 'typescript', decorators: true } : { syntax: 'ecmascript' },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'commonjs' },
  };
}
