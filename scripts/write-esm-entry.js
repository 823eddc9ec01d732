// Writes the ES module entry point: a thin wrapper over the CommonJS build, so that `import` and
// `require` share one copy of every class (one registry of decorators, one `instanceof`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const names = Object.keys(require(path.join(dist, 'cjs', 'index.js'))).filter((name) => name !== '__esModule' && name !== 'default');
fs.mkdirSync(path.join(dist, 'esm'), { recursive: true });
fs.writeFileSync(
  path.join(dist, 'esm', 'index.mjs'),
  `import eventfold from '../cjs/index.js';\n\nexport const {\n${names.map((name) => `  ${name},`).join('\n')}\n} = eventfold;\n`,
);
fs.writeFileSync(path.join(dist, 'esm', 'index.d.mts'), "export * from '../cjs/index.js';\n");
