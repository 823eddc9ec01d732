// A database produced by the trading example, made once per test run and copied for each spec
// that changes it.
import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './run-cli';

const EXAMPLE = join(ROOT, 'build', 'examples', 'trading', 'main.js');
const folder = mkdtempSync(join(tmpdir(), 'eventfold-cli-'));
process.on('exit', () => rmSync(folder, { recursive: true, force: true }));

/**
 * Orders expire long after the run: the specs read open orders (the rebuild spec needs some), and
 * with the example's default of a second, whether any is still open at the end is left to timing.
 */
const EXPIRE_AFTER_MS = 3_600_000;

let made: Promise<string> | undefined;
let copies = 0;

/**
 * The example's database after `npm run example -- --orders 120`: orders, positions, the
 * subscribers' checkpoints, and dead letters of the fill notifier, whose sender fails now and
 * then. Which fills end as dead letters depends on the random event ids, so the example runs
 * again, adding orders, in the rare case that none did.
 */
export function tradingDatabase(): Promise<string> {
  made ??= (async () => {
    const file = join(folder, 'trading.db');
    for (let run = 0; run < 3; run++) {
      await runExample(file, run === 0 ? 120 : 60);
      if (query<{ count: number }>(file, 'select count(*) as count from eventfold_dead_letters')[0]!.count > 0) break;
    }
    return file;
  })();
  return made;
}

/** A copy of the example's database that a spec may change. */
export async function tradingDatabaseCopy(): Promise<string> {
  const original = await tradingDatabase();
  const copy = join(folder, `trading-${++copies}.db`);
  copyFileSync(original, copy);
  if (existsSync(`${original}-wal`)) copyFileSync(`${original}-wal`, `${copy}-wal`);
  return copy;
}

/** A folder for files of one spec. */
export function scratchFolder(): string {
  return mkdtempSync(join(folder, 'scratch-'));
}

/** Runs a read-only query on a database file. */
export function query<T = Record<string, unknown>>(file: string, sql: string, ...parameters: unknown[]): T[] {
  const database = new BetterSqlite3(file, { readonly: true });
  try {
    return database.prepare(sql).all(...parameters) as T[];
  } finally {
    database.close();
  }
}

function runExample(file: string, orders: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EXAMPLE, '--db', file, '--orders', String(orders), '--seed', '42', '--expire-after', String(EXPIRE_AFTER_MS)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the trading example exited with ${code}:\n${output}`))));
  });
}
