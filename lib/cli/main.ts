import { CommanderError } from 'commander';
import { isEventfoldError } from '../errors/eventfold-error';
import { processTerminal, type Terminal } from './output/terminal';
import { buildProgram } from './program/program';

/** Exit code of a command that failed. */
const EXIT_FAILURE = 1;
/** Exit code of a command line that could not be understood (unknown command, bad option). */
const EXIT_USAGE = 2;

/**
 * Runs the `eventfold` command line on `argv` (the arguments after the program name) and
 * resolves to the exit code: 0 on success, 1 when the command failed (the error is printed to
 * stderr as `error: <message>`), 2 for a usage error. Set `EVENTFOLD_DEBUG=1` to print stack
 * traces as well.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: readonly string[], terminal: Terminal = processTerminal()): Promise<number> {
  const program = buildProgram(terminal);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has printed its message (or the help or version) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    reportFailure(terminal, error);
    return EXIT_FAILURE;
  }
}

function reportFailure(terminal: Terminal, error: unknown): void {
  const { errorColors: colors } = terminal;
  const message = error instanceof Error ? error.message : String(error);
  terminal.err(`${colors.red('error:')} ${message}`);
  const debug = process.env.EVENTFOLD_DEBUG !== undefined && process.env.EVENTFOLD_DEBUG !== '' && process.env.EVENTFOLD_DEBUG !== '0';
  if (debug && error instanceof Error && error.stack) terminal.err(colors.dim(error.stack));
  else if (!isEventfoldError(error) && error instanceof Error && error.stack) terminal.err(colors.dim('(set EVENTFOLD_DEBUG=1 to see where it failed)'));
}
