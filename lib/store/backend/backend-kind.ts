import type { Dialect } from 'kysely';
import type { EventStoreOptions } from '../event-store-options';
import type { StoreBackend } from './store-backend';

/** A kind of database the store runs on, and how a store's backend for it is made. */
export interface BackendKind {
  /** The option that opens a store on this database: `{ sqlite: … }`, `{ postgres: … }`. */
  readonly option: string;
  /** The Kysely dialect class for this database, named when a dialect is refused. */
  readonly dialectName: string;
  /** Checks the database options and connects (lazily, as Kysely does). Called when `options[option]` is given. */
  open(options: EventStoreOptions): StoreBackend;
  /** Whether a Kysely dialect adapter speaks to this kind of database. */
  speaks(adapter: object): boolean;
  /** A backend over a Kysely dialect the application made. */
  fromDialect(dialect: Dialect, label: string): StoreBackend;
}

/**
 * Whether a Kysely dialect adapter is of the class `className` or derives from it. Compared by
 * name along the prototype chain, because an adapter made with Kysely's ES module build is not an
 * instance of the CommonJS class this package imports, and dialects may derive their own adapters.
 */
export function adapterIs(adapter: object, className: string): boolean {
  for (let prototype = Object.getPrototypeOf(adapter); prototype; prototype = Object.getPrototypeOf(prototype)) {
    if (prototype.constructor?.name === className) return true;
  }
  return false;
}
