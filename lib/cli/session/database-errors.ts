import { EventfoldError } from '../../errors/eventfold-error';

/** Neither `--db` nor the config's `database` says which database to use. */
export class DatabaseNotGivenError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_DATABASE_NOT_GIVEN';

  constructor() {
    super("No database given: pass --db <file or postgres:// URL>, or set database: 'file.db' in the eventfold config.");
  }
}

/** The database file does not exist. The command line never creates one. */
export class DatabaseMissingError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_DATABASE_MISSING';

  constructor(
    /** The file that was looked for. */
    readonly file: string,
  ) {
    super(`Database ${file} does not exist. Check --db (or the config's database), or run the application once to create it.`);
  }
}

/**
 * The database exists but holds no eventfold event log: an SQLite file without one (or no SQLite
 * file at all), or a PostgreSQL schema without one.
 */
export class NotAnEventfoldDatabaseError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_NOT_AN_EVENTFOLD_DATABASE';

  constructor(
    /** The file, or the PostgreSQL URL (password hidden) and schema. */
    readonly file: string,
    /** Why it is not one. */
    readonly reason: string,
  ) {
    super(`${file} is not an eventfold database: ${reason}. Check --db (or the config's database).`);
  }
}

/** The database is given as a URL of a kind the command line cannot open, or as `:memory:`. */
export class UnsupportedDatabaseError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_DATABASE_UNSUPPORTED';

  constructor(
    /** The database as given. */
    readonly database: string,
  ) {
    super(`Cannot open ${database} from the command line: give the file name of an SQLite database or a postgres:// URL.`);
  }
}
