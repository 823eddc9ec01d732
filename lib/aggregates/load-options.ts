import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import { optionsObject } from '../store/options-object';
import { checkPointInTime } from '../store/point-in-time';
import { checkStreamVersion } from '../store/read-options';

/** Which state of an aggregate to load. Give at most one of `version` and `at`. */
export interface LoadOptions {
  /** The state right after this stream version. */
  version?: number;
  /** The state as it was at this moment (after every event recorded at or before it). */
  at?: Date;
  /** Set to false to ignore snapshots and replay the whole stream. Defaults to true. */
  snapshot?: boolean;
}

/** What a load asks for, checked: a version, a moment, or neither (the latest state). */
export interface LoadTarget {
  readonly version: number | undefined;
  readonly at: Date | undefined;
  readonly snapshot: boolean;
}

/**
 * Checks the options of a repository's `load`, `find` or `history` before any query runs, so
 * that a bad option is an {@link InvalidArgumentError} naming it and never a driver error.
 *
 * @example
 * ```ts
 * checkLoadOptions({ version: 2 ** 31 }); // throws InvalidArgumentError: options.version
 * ```
 */
export function checkLoadOptions(options: LoadOptions | undefined): LoadTarget {
  const { version, at, snapshot } = optionsObject(options);
  if (version !== undefined && at !== undefined) {
    throw new InvalidArgumentError('options', 'give either version or at, not both.');
  }
  if (snapshot !== undefined && typeof snapshot !== 'boolean') {
    throw new InvalidArgumentError('options.snapshot', `expected true or false, got ${describeValue(snapshot)}.`);
  }
  return {
    version: version === undefined ? undefined : checkStreamVersion(version, 'options.version'),
    at: at === undefined ? undefined : checkPointInTime(at, 'options.at'),
    snapshot: snapshot !== false,
  };
}
