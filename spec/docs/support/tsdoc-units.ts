// The TSDoc examples of lib/, each made into a module that compiles in an application: an example
// shows a symbol's use, so it leaves out its imports and the objects it talks about (`store`,
// `orders`, `OrderPlaced`…). The imports are added from what the package exports (and, for an
// internal helper, from the module it documents), the objects from the sample declarations of
// tsdoc-context.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from '../../support/markdown-blocks';
import { packageRoot } from '../../support/packed-package';
import { tsdocExamples } from '../../support/tsdoc-examples';
import { SourceText, where } from './source-text';
import { TSDOC_CONTEXT_NAMES } from './tsdoc-context';

/** One TSDoc example, ready to be written into the application's project. */
export interface ExampleUnit {
  /** A name that can be a file name: `lib-store-event-store-ts-259`. */
  readonly id: string;
  /** Where its fence is: `lib/store/event-store.ts line 259`. */
  readonly title: string;
  readonly block: CodeBlock;
  readonly source: SourceText;
}

/** Every TypeScript file of lib/, as absolute paths. */
export function librarySources(folder = join(packageRoot, 'lib')): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return librarySources(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
}

/**
 * The examples of every file of lib/, as modules of a project whose files live in
 * `<project>/src/tsdoc/` and whose eventfold is installed in `<installation>/node_modules`.
 */
export function exampleUnits(project: string, installation: string): ExampleUnit[] {
  const files = librarySources().filter((file) => tsdocExamples(file).length > 0);
  const entries = entryPoints();
  const exported = exportedNames([...entries.map(({ declarations }) => declarations), ...files.map(declarationsOf)]);
  const folder = join(project, 'src', 'tsdoc');
  return files.flatMap((file) => {
    const own = relative(folder, join(installation, 'node_modules', 'eventfold', relative(packageRoot, declarationsOf(file)))).replace(/\.d\.mts$/, '.mjs');
    return tsdocExamples(file).map((block) => {
      const title = where({ file: relative(packageRoot, file), line: block.line });
      const { declared, used } = namesIn(block.code);
      const wanted = (names: Iterable<string>, taken: Set<string>) => [...names].filter((name) => used.has(name) && !declared.has(name) && !taken.has(name));
      const taken = new Set<string>();
      const imports: Array<[string[], string]> = [
        ...entries.map(({ specifier, declarations }): [string[], string] => [wanted(exported.get(declarations) ?? [], taken), specifier]),
        [wanted(exported.get(declarationsOf(file)) ?? [], taken), own],
        [wanted(TSDOC_CONTEXT_NAMES, taken), './context.js'],
      ];
      const source = new SourceText();
      for (const [names, from] of imports) {
        const fresh = names.filter((name) => !taken.has(name));
        fresh.forEach((name) => taken.add(name));
        if (fresh.length > 0) source.add(`import { ${fresh.join(', ')} } from '${from}';`);
      }
      // As rustdoc does for `fn main`: an example that returns is the body of a function.
      const body = returnsAtTopLevel(block.code);
      if (body) source.add('export async function example() {');
      source.add(block.code, { file: relative(packageRoot, file), line: block.line + 1 });
      if (body) source.add('}');
      return { id: title.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase(), title, block, source };
    });
  });
}

/** The package's entry points, from package.json's `exports`: `eventfold`, `eventfold/cli`… with their ES module declarations. */
function entryPoints(): Array<{ specifier: string; declarations: string }> {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string; exports: Record<string, { import?: { types?: string } }> };
  return Object.entries(manifest.exports).flatMap(([path, conditions]) => {
    const types = conditions.import?.types;
    return types ? [{ specifier: path === '.' ? manifest.name : `${manifest.name}/${path.slice(2)}`, declarations: join(packageRoot, types) }] : [];
  });
}

/** The ES module declarations the build makes of a file of lib/. */
function declarationsOf(file: string): string {
  return join(packageRoot, 'dist', 'esm', relative(join(packageRoot, 'lib'), file).replace(/\.ts$/, '.d.mts'));
}

/** The names each declaration file exports, types included, `export *` followed. */
function exportedNames(files: string[]): Map<string, string[]> {
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  return new Map(
    files.map((file) => {
      const source = program.getSourceFile(file);
      const symbol = source && checker.getSymbolAtLocation(source);
      return [file, symbol ? checker.getExportsOfModule(symbol).map((exported) => exported.name) : []];
    }),
  );
}

/** Whether an example has a `return` outside any function. */
function returnsAtTopLevel(code: string): boolean {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): boolean => ts.isReturnStatement(node) || (!ts.isFunctionLike(node) && !ts.isClassLike(node) && ts.forEachChild(node, visit) === true);
  return ts.forEachChild(source, visit) === true;
}

/** The names an example declares at its top level, and every identifier it mentions. */
function namesIn(code: string): { declared: Set<string>; used: Set<string> } {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const declared = new Set<string>();
  const used = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) statement.declarationList.declarations.forEach((declaration) => bind(declaration.name));
    else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      else bindings?.elements.forEach((element) => declared.add(element.name.text));
    } else if ('name' in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) declared.add((statement.name as ts.Identifier).text);
  }
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { declared, used };
}
