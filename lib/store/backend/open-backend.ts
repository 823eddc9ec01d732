import type { Dialect } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { describeValue } from '../describe-value';
import type { EventStoreOptions } from '../event-store-options';
import { BACKEND_KINDS } from './backend-kinds';
import type { StoreBackend } from './store-backend';

/** The methods every Kysely dialect has. */
const DIALECT_METHODS = ['createDriver', 'createQueryCompiler', 'createAdapter', 'createIntrospector'] as const;

/**
 * Connects to the database the options name, through the backend for its kind.
 *
 * @throws {@link InvalidArgumentError} for options that name no database, or a dialect of a
 * database the store does not run on.
 */
export function openBackend(options: EventStoreOptions): StoreBackend {
  const given = options as unknown as Record<string, unknown>;
  const kind = BACKEND_KINDS.find((candidate) => given[candidate.option] !== undefined);
  if (kind) return kind.open(options);
  if (given.dialect !== undefined) return backendOfDialect(given.dialect);
  throw new InvalidArgumentError('options', `expected ${databaseChoices()} with a Kysely dialect.`);
}

/** `{ sqlite: 'file.db' }, { postgres: 'postgres://…' } or { dialect }`, from the kinds there are. */
export function databaseChoices(): string {
  const examples: Record<string, string> = { sqlite: "{ sqlite: 'file.db' }", postgres: "{ postgres: 'postgres://…' }" };
  const choices = [...BACKEND_KINDS.map((kind) => examples[kind.option] ?? `{ ${kind.option} }`), '{ dialect }'];
  return `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

/**
 * The backend of a Kysely dialect the application made, chosen by the database its adapter
 * speaks to. A dialect of any other database is refused: eventfold's guarantees (the write lock,
 * the readable head) are specific to each database, and none can be assumed.
 */
function backendOfDialect(dialect: unknown): StoreBackend {
  const candidate = dialect as Record<string, unknown> | null;
  const missing = DIALECT_METHODS.filter((method) => typeof candidate?.[method] !== 'function');
  if (typeof dialect !== 'object' || dialect === null || missing.length > 0) {
    throw new InvalidArgumentError(
      'options.dialect',
      `expected a Kysely dialect such as new SqliteDialect({ database }), got ${describeValue(dialect)}${
        typeof dialect === 'object' && dialect !== null ? ` without ${missing.join(', ')}` : ''
      }.`,
    );
  }
  const adapter: unknown = (dialect as Dialect).createAdapter();
  if (typeof adapter !== 'object' || adapter === null) {
    throw new InvalidArgumentError('options.dialect', `its createAdapter() returned ${describeValue(adapter)} instead of a Kysely adapter.`);
  }
  const kind = BACKEND_KINDS.find((candidateKind) => candidateKind.speaks(adapter));
  if (!kind) {
    const supported = BACKEND_KINDS.map((known) => known.dialectName).join(' or ');
    throw new InvalidArgumentError(
      'options.dialect',
      `eventfold runs through ${supported} only, and this dialect's adapter (${adapter.constructor?.name ?? 'an unnamed class'}) speaks to another database, ` +
        `on which appends would have none of eventfold's guarantees of order. Open the store with ${supported}, or with ${BACKEND_KINDS.map((known) => `{ ${known.option} }`).join(' or ')}.`,
    );
  }
  return kind.fromDialect(dialect as Dialect, `(${dialect.constructor.name})`);
}
