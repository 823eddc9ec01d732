import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { adapterIs } from '../store/backend/backend-kind';
import type { EventMethodMap } from '../metadata/event-method-map';
import type { RecordedEvent } from '../store/recorded-event';
import type { FoldTableDeclaration } from '../subscriptions/subscriber.decorators';
import { KEY_BY_STREAM, readFoldKeys, readFoldMethods } from './fold.decorators';
import { foldInTransaction, type BoundFoldMethod, type FoldDatabase, type FoldPlan } from './fold-transaction';
import { RowStatements } from './row-statements';

/** A `@FoldProjection` instance, read and bound, as the dispatcher runs it. */
export interface BoundFold {
  /** The `@Fold` methods, by event class. */
  readonly methods: EventMethodMap;
  /** Whether every row is a stream's (no `@Fold` picks its own key), so that segments never share a row. */
  readonly keyedByStream: boolean;
  /**
   * Folds `events` into their rows and writes them, through `db` (the projection's transaction),
   * to the table `tableName` gives for the declared one.
   */
  readonly apply: (db: FoldDatabase, events: readonly RecordedEvent[], tableName: (table: string) => string) => Promise<void>;
}

/** Reads a `@FoldProjection` instance's fold methods and `initial`; throws naming what is missing. */
export function bindFold(instance: object, name: string, declaration: FoldTableDeclaration): BoundFold {
  const projectionClass = instance.constructor;
  const methods = readFoldMethods(projectionClass);
  if (methods.size === 0) {
    throw new InvalidArgumentError(`subscriber '${name}'`, `${projectionClass.name} has no @Fold(EventClass) methods, so it would never fold anything.`);
  }
  const initial = (instance as { initial?: unknown }).initial;
  if (typeof initial !== 'function') {
    throw new InvalidArgumentError(
      `subscriber '${name}'`,
      `${projectionClass.name} needs an initial(key, event) method returning the row of a key seen for the first time.`,
    );
  }
  const keys = readFoldKeys(projectionClass);
  const folds = new Map<Function, FoldPlan['folds'] extends ReadonlyMap<Function, infer Folding> ? Folding : never>();
  methods.forEach((method, eventClass) => {
    const fold = (instance as Record<string | symbol, unknown>)[method];
    if (typeof fold !== 'function') throw new InvalidArgumentError(`subscriber '${name}'`, `${String(method)} is not a method.`);
    folds.set(eventClass, { fold: fold.bind(instance) as BoundFoldMethod, keysOf: keys.get(eventClass)! });
  });
  const plans = new Map<string, FoldPlan>();
  // The database is known only once the dispatcher hands over a transaction.
  // and the table may be the copy a blue/green rebuild writes to.
  const planFor = (db: FoldDatabase, table: string): FoldPlan => {
    const database = adapterIs(db.getExecutor().adapter, 'PostgresAdapter') ? 'postgres' : 'sqlite';
    const planKey = `${database}:${table}`;
    let plan = plans.get(planKey);
    if (!plan) {
      const statements = new RowStatements(table, declaration.keyColumns, database === 'postgres' ? 'numbered' : 'question-mark');
      plan = { projection: name, table, keyColumns: declaration.keyColumns, database, statements, folds, initial: (initial as FoldPlan['initial']).bind(instance) };
      plans.set(planKey, plan);
    }
    return plan;
  };
  return {
    methods,
    keyedByStream: [...keys.values()].every((keysOf) => keysOf === KEY_BY_STREAM),
    apply: (db, events, tableName) => foldInTransaction(planFor(db, tableName(declaration.table)), db, events),
  };
}
