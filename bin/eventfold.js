#!/usr/bin/env node
'use strict';
// The `eventfold` command. Everything it does lives in the package's build: dist/cjs/cli/.
let cli;
try {
  cli = require('../dist/cjs/cli/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('main.js')) {
    process.stderr.write('error: eventfold is not built: run npm run build in its folder first.\n');
    process.exit(1);
  }
  throw error;
}

// Output piped into a program that stops reading early (`| head`) is not a failure.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

cli.runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
