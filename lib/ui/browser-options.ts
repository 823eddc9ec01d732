import type { AggregateClass } from '../aggregates/aggregate-class';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import { optionsObject } from '../store/options-object';
import { checkWholeNumber } from '../validation/whole-number';

/** Options of {@link eventBrowser}. */
export interface EventBrowserOptions {
  /**
   * Aggregate classes: the streams of their types show the state after each event and what it
   * changed. Streams of other types show their events only.
   */
  readonly aggregates?: readonly AggregateClass[];
  /**
   * The application's subscriber instances (what it passes to its dispatcher). Those that never
   * ran are listed too, and dead letters are retried through them. Leave out to show only what
   * the database records; retrying then fails with a message naming the missing subscriber.
   */
  readonly subscribers?: readonly object[];
  /**
   * Enables the operations (retry, discard, resume) for requests that carry this token, as
   * `Authorization: Bearer <token>` or in the cookie set by opening `/?token=<token>`. Without it,
   * the browser is read-only and refuses every operation. At least 16 characters.
   */
  readonly operationsToken?: string;
  /**
   * The path the browser is mounted under in an application's own server, such as `/events`
   * (no trailing slash). Defaults to the root. The requests it handles keep this prefix.
   */
  readonly basePath?: string;
  /** How the header names the database. Defaults to the store's backend. */
  readonly databaseLabel?: string;
  /** How often the lag of each subscriber is read for the trend chart, in milliseconds. Defaults to 5000. */
  readonly lagSampleMs?: number;
  /**
   * Runs once before the first retry of a dead letter: what the subscribers need first (read-model
   * tables, say). The command line passes the config's `setup`.
   */
  readonly prepare?: () => Promise<void> | void;
}

/** The options once checked, with defaults filled in. */
export interface BrowserSettings {
  readonly aggregates: readonly AggregateClass[];
  readonly subscribers: readonly object[];
  readonly operationsToken: string | undefined;
  readonly basePath: string;
  readonly databaseLabel: string | undefined;
  readonly lagSampleMs: number;
  readonly prepare: (() => Promise<void> | void) | undefined;
}

const MIN_TOKEN_LENGTH = 16;

/**
 * Checks {@link EventBrowserOptions}.
 *
 * @throws {@link InvalidArgumentError} naming the option and what to pass instead.
 */
export function browserSettings(options: EventBrowserOptions | undefined): BrowserSettings {
  const given = optionsObject(options);
  const { operationsToken, basePath = '', databaseLabel, prepare } = given;
  const aggregates = arrayOption(given.aggregates, 'options.aggregates', (value) => typeof value === 'function', 'aggregate classes');
  const subscribers = arrayOption(given.subscribers, 'options.subscribers', (value) => typeof value === 'object' && value !== null, 'subscriber instances');
  if (operationsToken !== undefined && (typeof operationsToken !== 'string' || operationsToken.length < MIN_TOKEN_LENGTH)) {
    throw new InvalidArgumentError(
      'options.operationsToken',
      `expected a string of at least ${MIN_TOKEN_LENGTH} characters (a random one, such as randomBytes(24).toString('base64url')), got ${describeValue(operationsToken)}.`,
    );
  }
  if (typeof basePath !== 'string' || (basePath !== '' && (!basePath.startsWith('/') || basePath.endsWith('/')))) {
    throw new InvalidArgumentError(
      'options.basePath',
      `expected a path that starts with / and does not end with one, such as '/events', got ${describeValue(basePath)}.`,
    );
  }
  if (databaseLabel !== undefined && typeof databaseLabel !== 'string')
    throw new InvalidArgumentError('options.databaseLabel', `expected a string, got ${describeValue(databaseLabel)}.`);
  if (prepare !== undefined && typeof prepare !== 'function') throw new InvalidArgumentError('options.prepare', `expected a function, got ${describeValue(prepare)}.`);
  const lagSampleMs = given.lagSampleMs === undefined ? 5000 : checkWholeNumber(given.lagSampleMs, 'options.lagSampleMs', { max: 3_600_000 });
  return { aggregates, subscribers, operationsToken, basePath, databaseLabel, lagSampleMs, prepare };
}

function arrayOption<T>(value: readonly T[] | undefined, argument: string, accepts: (item: unknown) => boolean, what: string): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidArgumentError(argument, `expected an array of ${what}, got ${describeValue(value)}.`);
  const wrong = value.findIndex((item) => !accepts(item));
  if (wrong >= 0) throw new InvalidArgumentError(`${argument}[${wrong}]`, `expected one of the ${what}, got ${describeValue(value[wrong])}.`);
  return value;
}
