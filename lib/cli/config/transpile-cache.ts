import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * Compiled TypeScript kept on disk between runs, so that a command whose config files have not
 * changed needs neither the compiler nor the time to load it (about as long as the rest of the
 * command together). Entries are keyed by the file's name and text and by everything else that
 * shapes the output: the TypeScript version and the tsconfig.json text.
 *
 * The cache lives in the project's `node_modules/.cache/eventfold`, as other tools' caches do,
 * or in the system's temporary folder when there is no node_modules. It is only a shortcut:
 * failing to read or write it costs a compile, never a wrong result.
 */
export class TranspileCache {
  private constructor(
    private readonly folder: string,
    private readonly fingerprint: string,
  ) {}

  /** The cache for files compiled with the tsconfig nearest to `configFolder`. */
  static for(configFolder: string, typescriptVersion: string): TranspileCache {
    const fingerprint = [typescriptVersion, tsconfigText(configFolder)].join('\0');
    return new TranspileCache(cacheFolder(configFolder), fingerprint);
  }

  /** The compiled text of `filename` with this `source`, if it was cached. */
  get(filename: string, source: string): string | undefined {
    try {
      return readFileSync(this.entry(filename, source), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Keeps the compiled text of `filename` with this `source`. */
  set(filename: string, source: string, compiled: string): void {
    const entry = this.entry(filename, source);
    const temporary = `${entry}.${process.pid}.tmp`;
    try {
      mkdirSync(this.folder, { recursive: true });
      writeFileSync(temporary, compiled);
      renameSync(temporary, entry); // whole or not at all, even with two commands at once
    } catch {
      // A read-only project: compile again next time.
    }
  }

  private entry(filename: string, source: string): string {
    const key = createHash('sha256').update(this.fingerprint).update('\0').update(filename).update('\0').update(source).digest('hex');
    return join(this.folder, `${key}.js`);
  }
}

function cacheFolder(start: string): string {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'node_modules'))) return join(folder, 'node_modules', '.cache', 'eventfold');
    if (dirname(folder) === folder) return join(tmpdir(), `eventfold-cache-${process.getuid?.() ?? 'user'}`);
  }
}

/** The nearest tsconfig.json's text, with the text of a file it extends by relative path. */
function tsconfigText(start: string): string {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    const file = join(folder, 'tsconfig.json');
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const extended = /"extends"\s*:\s*"(\.[^"]+)"/.exec(text)?.[1];
      const base = extended ? join(folder, extended.endsWith('.json') ? extended : `${extended}.json`) : undefined;
      return base && existsSync(base) ? `${text}\0${readFileSync(base, 'utf8')}` : text;
    }
    if (dirname(folder) === folder) return '';
  }
}
