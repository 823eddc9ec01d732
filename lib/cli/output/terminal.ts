import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types.js';

/**
 * Where a command writes: lines to stdout (results) and stderr (errors, progress, notes), each
 * with colours only when that stream is a terminal.
 */
export interface Terminal {
  /** Colours for stdout: every function returns its input unchanged when stdout is not a terminal. */
  readonly colors: Colors;
  /** Colours for stderr. */
  readonly errorColors: Colors;
  /** stderr, for progress bars; `isTTY` says whether it is a terminal. */
  readonly stderr: NodeJS.WriteStream;
  /** Writes a line to stdout. */
  out(line?: string): void;
  /** Writes a line to stderr. */
  err(line?: string): void;
}

/**
 * The terminal of this process. Colours follow the usual conventions: on when the stream is a
 * terminal, off when `NO_COLOR` is set or `TERM` is `dumb`, on anyway when `FORCE_COLOR` is set.
 *
 * @example
 * ```ts
 * const terminal = processTerminal();
 * terminal.out(terminal.colors.green('done'));
 * ```
 */
export function processTerminal(env: NodeJS.ProcessEnv = process.env): Terminal {
  const { stdout, stderr } = process;
  return {
    colors: picocolors.createColors(colorsWanted(stdout, env)),
    errorColors: picocolors.createColors(colorsWanted(stderr, env)),
    stderr,
    out: (line = '') => void stdout.write(`${line}\n`),
    err: (line = '') => void stderr.write(`${line}\n`),
  };
}

/** Whether to colour what is written to `stream`. */
export function colorsWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
