import type { Command } from 'commander';
import type { SessionOptions } from '../session/cli-session';

/**
 * Adds `--config` and `--db` to a command, so that they can be given after the command's name
 * (and show in its `--help`) as well as before it.
 */
export function withSessionOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config module (default: eventfold.config.ts or .js in the working folder)')
    .option('--db <file>', "SQLite database file (default: the config's database)");
}

/** The `--config` and `--db` given to a command or to the program before it. */
export function sessionOptionsOf(command: Command): SessionOptions {
  const { config, db } = command.optsWithGlobals<{ config?: string; db?: string }>();
  return { config, db };
}
