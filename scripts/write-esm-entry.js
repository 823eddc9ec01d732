// Writes the ES module entry points: thin wrappers over the CommonJS build, so that `import` and
// `require` share one copy of every class (one registry of decorators, one `instanceof`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');

/** Each entry point of package.json's `exports`, by its path under dist/cjs without `.js`. */
const entries = ['index', 'testing/index'];

for (const entry of entries) {
  const cjs = path.posix.relative(path.posix.dirname(`esm/${entry}`), `cjs/${entry}.js`);
  const names = Object.keys(require(path.join(dist, 'cjs', `${entry}.js`))).filter((name) => name !== '__esModule' && name !== 'default');
  const esm = path.join(dist, 'esm', `${entry}`);
  fs.mkdirSync(path.dirname(esm), { recursive: true });
  fs.writeFileSync(`${esm}.mjs`, `import entry from '${cjs}';\n\nexport const {\n${names.map((name) => `  ${name},`).join('\n')}\n} = entry;\n`);
  fs.writeFileSync(`${esm}.d.mts`, `export * from '${cjs}';\n`);
}
