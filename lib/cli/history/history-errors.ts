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
