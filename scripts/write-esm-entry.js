// Writes the ES module side of the package from the CommonJS build in dist/cjs:
//
// - each entry point's .mjs is a thin wrapper over the CommonJS module, so that `import` and
//   `require` share one copy of every class (one registry of decorators, one `instanceof`);
// - the declarations are copied to dist/esm as .d.mts files whose relative imports name their
//   files in full, as ES modules must. An ES module project then resolves the packages our types
//   import (Kysely above all) through their ES module types too. Re-exporting the CommonJS
//   declarations instead would mix Kysely's CommonJS class types with the application's ES module
//   ones, and TypeScript refuses to pass one where the other is expected ('#private' differs).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const dist = path.join(__dirname, '..', 'dist');
const cjs = path.join(dist, 'cjs');
const esm = path.join(dist, 'esm');

/** The package's entry points, as paths under dist/cjs without an extension (see package.json's exports). */
const ENTRY_POINTS = ['index', 'cli/index', 'testing/index', 'ui/index'];

fs.rmSync(esm, { recursive: true, force: true });
for (const file of declarationFiles(cjs)) writeEsmDeclaration(file);
for (const entry of ENTRY_POINTS) writeEsmWrapper(entry);

function writeEsmWrapper(entry) {
  const exported = Object.keys(require(path.join(cjs, `${entry}.js`))).filter((name) => name !== '__esModule' && name !== 'default');
  const target = path.join(esm, `${entry}.mjs`);
  const source = path
    .relative(path.dirname(target), path.join(cjs, `${entry}.js`))
    .split(path.sep)
    .join('/');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, `import cjs from '${source}';\n\nexport const {\n${exported.map((name) => `  ${name},`).join('\n')}\n} = cjs;\n`);
}

function writeEsmDeclaration(file) {
  const relative = path.relative(cjs, file);
  const target = path.join(esm, relative.replace(/\.d\.ts$/, '.d.mts'));
  let text = fs.readFileSync(file, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
  // TypeScript's own scanner finds the module specifiers (imports, exports, `import('./x')` types)
  // and passes over comments; relative ones are rewritten from the end, so positions hold.
  const { importedFiles } = ts.preProcessFile(text, true, true);
  for (const { fileName, pos } of importedFiles.filter((reference) => /^\.{1,2}\//.test(reference.fileName)).reverse()) {
    // `pos` is that of the specifier's opening quote or of the specifier itself, by construct.
    const start = text.indexOf(fileName, pos);
    text = text.slice(0, start) + fullSpecifier(path.dirname(file), fileName) + text.slice(start + fileName.length);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
}

/** `./aggregates` becomes `./aggregates/index.mjs`, `./event-store` becomes `./event-store.mjs`. */
function fullSpecifier(folder, specifier) {
  const bare = specifier.replace(/\.js$/, '');
  if (fs.existsSync(path.join(folder, `${bare}.d.ts`))) return `${bare}.mjs`;
  if (fs.existsSync(path.join(folder, bare, 'index.d.ts'))) return `${bare}/index.mjs`;
  throw new Error(`write-esm-entry: ${path.relative(cjs, folder)} imports ${specifier}, which has no declaration file.`);
}

function declarationFiles(folder) {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return declarationFiles(full);
    return entry.name.endsWith('.d.ts') ? [full] : [];
  });
}
