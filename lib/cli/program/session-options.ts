import type { Command } from 'commander';
import type { SessionOptions } from '../session/cli-session';

/**
 * Adds `--config`, `--db` and `--schema` to a command, so that they can be given after the command's name
 * (and show in its `--help`) as well as before it.
 */
export function withSessionOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config module (default: eventfold.config.ts or .js in the working folder)')
    .option('--db <file|url>', "SQLite database file or postgres:// URL (default: the config's database)")
    .option('--schema <name>', "PostgreSQL schema of the event log (default: the config's schema, else public)");
}

/** The `--config`, `--db` and `--schema` given to a command or to the program before it. */
export function sessionOptionsOf(command: Command): SessionOptions {
  const { config, db, schema } = command.optsWithGlobals<{ config?: string; db?: string; schema?: string }>();
  return { config, db, schema };
}
