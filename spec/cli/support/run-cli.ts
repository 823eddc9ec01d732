// Runs the real `eventfold` binary (bin/eventfold.js, on the build in dist/) as a child process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository's root: this file runs from build/spec/cli/support/. */
export const ROOT = resolve(__dirname, '..', '..', '..', '..');
/** The launcher users run as `npx eventfold`. */
export const BIN = join(ROOT, 'bin', 'eventfold.js');
/** The trading example's config, loaded from its TypeScript source as users would. */
export const TRADING_CONFIG = join(ROOT, 'examples', 'trading', 'eventfold.config.ts');

/** What a finished run printed, and how it ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `eventfold <args>` to the end. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `eventfold <args>` and leaves it running (for `tail`). */
export function startCli(args: readonly string[], options: RunOptions = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    // No colour codes in what the specs read, whatever the environment says.
    env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: '1', ...options.env },
    stdio: 'pipe',
  });
}
