import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from './describe-value';
import { MAX_STREAM_VERSION } from './expected-version';
import { optionsObject } from './options-object';
import type { UndecodableHandling } from './read-events';
import { checkWholeNumber } from '../validation/whole-number';

/** Options of {@link EventStore.readAll}. */
export interface ReadAllOptions {
  /** First position to read (inclusive). Defaults to 1, the start of the log. */
  from?: number;
  /** Last position to read (inclusive). Defaults to the head of the log. */
  to?: number;
  /** Rows per query. Defaults to the store's `pageSize`. */
  pageSize?: number;
  /** What to do with events that cannot be decoded. Defaults to `'throw'`. */
  onUndecodable?: UndecodableHandling;
  /**
   * Read the events of archived streams too (see {@link EventStore.archiveStream}). Defaults to
   * false: they are skipped.
   */
  includeArchived?: boolean;
}

/** Options of {@link EventStore.readStream}. */
export interface ReadStreamOptions {
  /** First version to read (inclusive). Defaults to 1. */
  fromVersion?: number;
  /** Last version to read (inclusive). Defaults to the stream's last event. */
  toVersion?: number;
  /** Rows per query. Defaults to the store's `pageSize`. */
  pageSize?: number;
  /** What to do with events that cannot be decoded. Defaults to `'throw'`. */
  onUndecodable?: UndecodableHandling;
  /**
   * Read the stream even when it is archived (see {@link EventStore.archiveStream}). Defaults to
   * false: reading an archived stream throws {@link StreamArchivedError}.
   */
  includeArchived?: boolean;
}

/** The most rows one query of a read may fetch. */
export const MAX_PAGE_SIZE = 10_000;

/**
 * Checks a stream version: a whole number from 1 to {@link MAX_STREAM_VERSION}. Versions are
 * 32-bit in the database; a larger number can match no event, and PostgreSQL would refuse it
 * with an error of its own.
 *
 * @example
 * ```ts
 * checkStreamVersion(2 ** 31, 'options.version'); // throws InvalidArgumentError
 * ```
 */
export function checkStreamVersion(value: unknown, argument: string): number {
  return checkWholeNumber(value, argument, { max: MAX_STREAM_VERSION });
}

/**
 * Checks a page size: a whole number from 1 to {@link MAX_PAGE_SIZE}.
 *
 * @example
 * ```ts
 * const pageSize = checkPageSize(options.pageSize, 'options.pageSize');
 * ```
 */
export function checkPageSize(value: unknown, argument: string): number {
  return checkWholeNumber(value, argument, { max: MAX_PAGE_SIZE });
}

/**
 * Checks what a read does with events it cannot decode; `undefined` means `'throw'`, and
 * anything but `'throw'`, `'skip'` or a function (`'ignore'`, say) throws InvalidArgumentError.
 */
function checkUndecodableHandling(value: unknown, argument: string): UndecodableHandling {
  if (value === undefined) return 'throw';
  if (value === 'throw' || value === 'skip' || typeof value === 'function') return value as UndecodableHandling;
  throw new InvalidArgumentError(argument, `expected 'throw', 'skip' or a function, got ${describeValue(value)}.`);
}

/** A read's range and paging, checked, with defaults filled in. */
export interface ReadSettings {
  /** First position or version to read. */
  readonly from: number;
  /** Last position or version to read; `undefined` reads to the end. */
  readonly to: number | undefined;
  readonly pageSize: number;
  readonly onUndecodable: UndecodableHandling;
  /** Whether the events of archived streams are read too. */
  readonly includeArchived: boolean;
}

/**
 * Checks the options of {@link EventStore.readAll}. An option left out takes its default; one
 * given as `null` or of the wrong type is refused.
 *
 * @example
 * ```ts
 * const { from, to, pageSize, onUndecodable } = readAllSettings({ from: 10 }, 500);
 * ```
 */
export function readAllSettings(options: ReadAllOptions | undefined, defaultPageSize: number): ReadSettings {
  const { from, to, pageSize, onUndecodable, includeArchived } = optionsObject(options);
  return {
    // Positions are 64-bit in the database, so the only ceiling is the largest integer a
    // JavaScript number holds exactly.
    from: from === undefined ? 1 : checkWholeNumber(from, 'options.from'),
    to: to === undefined ? undefined : checkWholeNumber(to, 'options.to'),
    pageSize: pageSize === undefined ? defaultPageSize : checkPageSize(pageSize, 'options.pageSize'),
    onUndecodable: checkUndecodableHandling(onUndecodable, 'options.onUndecodable'),
    includeArchived: checkIncludeArchived(includeArchived, 'options.includeArchived'),
  };
}

/**
 * Checks the options of {@link EventStore.readStream}, as {@link readAllSettings} does.
 *
 * @example
 * ```ts
 * const { from, to } = readStreamSettings({ fromVersion: 2, toVersion: 5 }, 500);
 * ```
 */
export function readStreamSettings(options: ReadStreamOptions | undefined, defaultPageSize: number): ReadSettings {
  const { fromVersion, toVersion, pageSize, onUndecodable, includeArchived } = optionsObject(options);
  return {
    from: fromVersion === undefined ? 1 : checkStreamVersion(fromVersion, 'options.fromVersion'),
    to: toVersion === undefined ? undefined : checkStreamVersion(toVersion, 'options.toVersion'),
    pageSize: pageSize === undefined ? defaultPageSize : checkPageSize(pageSize, 'options.pageSize'),
    onUndecodable: checkUndecodableHandling(onUndecodable, 'options.onUndecodable'),
    includeArchived: checkIncludeArchived(includeArchived, 'options.includeArchived'),
  };
}

/** Checks `includeArchived`: a boolean, false when left out. */
function checkIncludeArchived(value: unknown, argument: string): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  throw new InvalidArgumentError(argument, `expected true or false, got ${describeValue(value)}.`);
}
