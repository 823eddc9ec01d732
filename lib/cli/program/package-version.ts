import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version of the installed eventfold package, for `eventfold --version`. */
export function packageVersion(): string {
  // This file is <root>/dist/cjs/cli/program/package-version.js once built.
  const file = join(__dirname, '..', '..', '..', '..', 'package.json');
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
