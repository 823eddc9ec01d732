import { EventfoldError } from '../../errors/eventfold-error';

/** `history` was asked for an aggregate type the config does not list. */
export class UnknownAggregateError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_UNKNOWN_AGGREGATE';

  constructor(
    /** The name asked for. */
    readonly aggregate: string,
    /** The `@Aggregate` names of the config's aggregates. */
    readonly known: readonly string[],
  ) {
    super(
      known.length === 0
        ? `Unknown aggregate '${aggregate}': the config lists no aggregates. Add them to aggregates: [...] in the eventfold config.`
        : `Unknown aggregate '${aggregate}'. Known aggregates: ${known.join(', ')}.`,
    );
  }
}

/** The aggregate's stream has no events (none at all, or none at the moment asked for). */
export class AggregateHasNoEventsError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_AGGREGATE_NOT_FOUND';

  constructor(
    /** The aggregate type. */
    readonly aggregate: string,
    /** The id asked for. */
    readonly id: string,
    /** The moment asked for, if any. */
    readonly at?: Date,
  ) {
    super(
      at
        ? `${aggregate} '${id}' had no events yet at ${at.toISOString()}. Ask for a later --at, or leave it out.`
        : `${aggregate} '${id}' has no events. List the ${aggregate} streams with: eventfold streams --type ${aggregate}`,
    );
  }
}

/** `--version` is past the last event of the stream. */
export class VersionOutOfRangeError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_VERSION_OUT_OF_RANGE';

  constructor(
    /** The aggregate type. */
    readonly aggregate: string,
    /** The id. */
    readonly id: string,
    /** The version asked for. */
    readonly version: number,
    /** The stream's last version. */
    readonly last: number,
  ) {
    super(`${aggregate} '${id}' has ${last} event${last === 1 ? '' : 's'}, so it has no version ${version}. Give --version from 1 to ${last}.`);
  }
}
