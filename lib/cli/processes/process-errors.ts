import { EventfoldError } from '../../errors/eventfold-error';

/** `processes list` was asked for a process manager that neither the database nor the config knows. */
export class UnknownProcessManagerError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_UNKNOWN_PROCESS_MANAGER';

  constructor(
    /** The name asked for. */
    readonly processManager: string,
    /** The process managers the database holds instances or deadlines of, and those the config names. */
    readonly known: readonly string[],
  ) {
    super(
      known.length === 0
        ? `Unknown process manager '${processManager}': the database holds no process manager instances or deadlines, and the config names no @ProcessManager. ` +
            'Check --db, or add the process manager to subscribers: (store) => [...] in the eventfold config.'
        : `Unknown process manager '${processManager}'. Known process managers: ${known.join(', ')}.`,
    );
  }
}

/**
 * The database holds an event log but not the tables of process managers: a PostgreSQL schema that
 * an older eventfold made, and that the command line, which never migrates one, finds as it was.
 */
export class ProcessTablesMissingError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_PROCESS_TABLES_MISSING';

  constructor(
    /** The database, as messages name it. */
    readonly database: string,
  ) {
    super(
      `${database} has no tables of process managers yet: an eventfold older than process managers made it, and the command line does not upgrade databases. ` +
        'Open it once with the application (EventStore.open brings its tables up to date), then try again.',
    );
  }
}
