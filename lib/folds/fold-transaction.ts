import { CompiledQuery, type Kysely } from 'kysely';
import type { RecordedEvent } from '../store/recorded-event';
import type { FoldContext, FoldKey, FoldKeyPart } from './fold-options';
import { FoldRowError } from './fold-row-error';
import { keyParts, rowKeyText } from './row-key';
import { RowStatements } from './row-statements';
import { describeValue } from '../store/describe-value';
import { isPromiseLike } from '../validation/promise-like';
import { unstorableReason } from './storable-value';

type Row = Record<string, unknown>;

/** What folding needs of the projection's transaction: running SQL, and knowing the database. */
export type FoldDatabase = Pick<Kysely<unknown>, 'executeQuery' | 'getExecutor'>;

/** A fold method bound to its projection: the row, the event, the context; the new row, null to delete, or nothing. */
export type BoundFoldMethod = (row: Row, event: object, context: FoldContext) => unknown;

/** What a fold projection folds with: its table and methods, bound to the instance. */
export interface FoldPlan {
  readonly projection: string;
  readonly table: string;
  readonly keyColumns: readonly string[];
  readonly database: 'sqlite' | 'postgres';
  readonly statements: RowStatements;
  /** The fold method and key function for each event class the projection folds. */
  readonly folds: ReadonlyMap<Function, { readonly fold: BoundFoldMethod; readonly keysOf: (event: object, recorded: RecordedEvent) => unknown }>;
  readonly initial: (key: FoldKey, event: object, context: FoldContext) => unknown;
}

/** One key's row through a transaction. */
interface RowState {
  readonly parts: readonly FoldKeyPart[];
  /** The row as it stands; null when there is none (never stored, or deleted by a fold). */
  row: Row | null;
  /** Whether the database held a row for the key when the transaction started. */
  stored: boolean;
  /** The column values of the stored row as read, while the row is the stored one: a row no fold changed is not written back. */
  loaded: Row | undefined;
  /** Whether a fold deleted the stored row (it is deleted before anything is written back). */
  deleted: boolean;
  touched: boolean;
  /** The last event folded into the row, for errors found when writing it. */
  position: number;
}

/** An event to fold, with the key its row has. */
interface Keyed {
  readonly recorded: RecordedEvent;
  readonly key: FoldKey;
  readonly text: string;
}

/**
 * Folds a batch of events into their rows, inside the projection's transaction: reads every row
 * the batch touches in as few queries as the parameter limit allows, runs the fold methods in
 * memory, then deletes and upserts the changed rows, each in a few multi-row statements.
 */
export async function foldInTransaction(plan: FoldPlan, db: FoldDatabase, events: readonly RecordedEvent[]): Promise<void> {
  const keyed = keyEvents(plan, events);
  if (keyed.length === 0) return;
  const rows = await loadRows(plan, db, keyed);
  for (const { recorded, key, text } of keyed) foldOne(plan, rows.get(text)!, recorded, key);
  await writeRows(plan, db, rows);
}

function keyEvents(plan: FoldPlan, events: readonly RecordedEvent[]): Keyed[] {
  const keyed: Keyed[] = [];
  for (const recorded of events) {
    const folding = plan.folds.get(recorded.event.constructor);
    if (!folding) continue;
    const keys = folding.keysOf(recorded.event, recorded);
    if (!Array.isArray(keys)) throw new FoldRowError(plan.projection, recorded.position, `the keys of the ${recorded.type} event must be an array of row keys.`);
    const seen = new Set<string>();
    for (const key of keys as FoldKey[]) {
      const parts = keyParts(key, plan.keyColumns);
      if (typeof parts === 'string') throw new FoldRowError(plan.projection, recorded.position, `the ${recorded.type} event gives a bad row key: ${parts}`);
      const text = rowKeyText(parts);
      // An event folds into a row once, however often its keys name it.
      if (seen.has(text)) continue;
      seen.add(text);
      keyed.push({ recorded, key, text });
    }
  }
  return keyed;
}

async function loadRows(plan: FoldPlan, db: FoldDatabase, keyed: readonly Keyed[]): Promise<Map<string, RowState>> {
  const rows = new Map<string, RowState>();
  for (const { key, text } of keyed) {
    if (rows.has(text)) continue;
    rows.set(text, {
      parts: keyParts(key, plan.keyColumns) as readonly FoldKeyPart[],
      row: null,
      stored: false,
      loaded: undefined,
      deleted: false,
      touched: false,
      position: 0,
    });
  }
  const states = [...rows.values()];
  const perStatement = RowStatements.rowsPerStatement(plan.keyColumns.length);
  for (let first = 0; first < states.length; first += perStatement) {
    const chunk = states.slice(first, first + perStatement);
    const parameters = chunk.flatMap((state) => state.parts);
    const { rows: found } = await db.executeQuery<Row>(CompiledQuery.raw(plan.statements.selectByKeys(chunk.length), parameters));
    for (const row of found) {
      const parts = plan.keyColumns.map((column) => row[column]);
      const state = rows.get(rowKeyText(parts));
      if (!state) {
        // The database found the row equal to a key that reads differently (another case, a
        // padded or normalized value): folding it as new would overwrite what it holds.
        throw new FoldRowError(
          plan.projection,
          keyed[0]!.recorded.position,
          `${plan.table} holds a row keyed ${parts.map(describeValue).join(', ')}, which the database matched to a key of this batch ` +
            'written differently (another case, padding, a number as text). Have the key function return the key exactly as the column stores it.',
        );
      }
      state.row = row;
      state.loaded = { ...row };
      state.stored = true;
    }
  }
  return rows;
}

function foldOne(plan: FoldPlan, state: RowState, recorded: RecordedEvent, key: FoldKey): void {
  const context: FoldContext = { recorded, position: recorded.position, eventId: recorded.eventId, metadata: recorded.metadata, key };
  const fail = (problem: string) => new FoldRowError(plan.projection, recorded.position, problem);
  state.position = recorded.position;
  let row = state.row;
  if (row === null) {
    state.loaded = undefined;
    const initial = plan.initial(key, recorded.event, context);
    if (!isRow(initial))
      throw fail(
        `initial(${state.parts.map(describeValue).join(', ')}) returned ${describeResult(initial)}; it must return the row for a new key, an object of column values.`,
      );
    row = initial;
  }
  const folding = plan.folds.get(recorded.event.constructor)!;
  const result = folding.fold(row, recorded.event, context);
  if (result === null) {
    state.deleted ||= state.stored;
    state.row = null;
    state.loaded = undefined;
    state.touched = true;
    return;
  }
  if (result !== undefined) {
    if (isPromiseLike(result))
      throw fail(`the fold of ${recorded.type} returned a promise. Fold methods must be synchronous: change the row in memory; eventfold writes it.`);
    if (!isRow(result))
      throw fail(`the fold of ${recorded.type} returned ${describeResult(result)}; return nothing (the row was changed in place), the new row, or null to delete it.`);
    row = result;
  }
  for (const [index, column] of plan.keyColumns.entries()) {
    const part = state.parts[index]!;
    if (row[column] === undefined || row[column] === null) row[column] = part;
    else if (rowKeyText([row[column]]) !== rowKeyText([part])) {
      throw fail(
        `the row of key ${state.parts.map(describeValue).join(', ')} has ${column} = ${describeValue(row[column])}. A row keeps its key; fold into the key's own row.`,
      );
    }
  }
  state.row = row;
  state.touched = true;
}

async function writeRows(plan: FoldPlan, db: FoldDatabase, rows: ReadonlyMap<string, RowState>): Promise<void> {
  const deleted: RowState[] = [];
  const written = new Map<string, { columns: string[]; states: RowState[] }>();
  for (const state of rows.values()) {
    if (!state.touched) continue;
    if (state.deleted) deleted.push(state);
    if (state.row === null) continue;
    const columns = columnsToWrite(state.row, state.loaded);
    if (columns === undefined) continue;
    const shape = columns.join('\u0000');
    const group = written.get(shape) ?? written.set(shape, { columns, states: [] }).get(shape)!;
    group.states.push(state);
  }
  const keysPerStatement = RowStatements.rowsPerStatement(plan.keyColumns.length);
  for (let first = 0; first < deleted.length; first += keysPerStatement) {
    const chunk = deleted.slice(first, first + keysPerStatement);
    await db.executeQuery(
      CompiledQuery.raw(
        plan.statements.deleteByKeys(chunk.length),
        chunk.flatMap((state) => state.parts),
      ),
    );
  }
  for (const { columns, states: group } of written.values()) {
    const perStatement = RowStatements.rowsPerStatement(columns.length);
    for (let first = 0; first < group.length; first += perStatement) {
      const chunk = group.slice(first, first + perStatement);
      await db.executeQuery(CompiledQuery.raw(plan.statements.upsert(columns, chunk.length), parametersOf(plan, columns, chunk)));
    }
  }
}

/**
 * The columns of a row to write: all of them (an upsert's insert must hold every column the table
 * requires), or undefined for a stored row that no fold changed.
 */
function columnsToWrite(row: Row, loaded: Row | undefined): string[] | undefined {
  const columns = Object.keys(row);
  if (loaded !== undefined && columns.every((column) => Object.is(row[column], loaded[column]))) return undefined;
  return columns;
}

function parametersOf(plan: FoldPlan, columns: readonly string[], states: readonly RowState[]): unknown[] {
  const parameters: unknown[] = [];
  for (const { row, parts, position } of states) {
    for (const column of columns) {
      const value = row![column];
      const reason = unstorableReason(value, plan.database);
      if (reason !== undefined) {
        throw new FoldRowError(
          plan.projection,
          position,
          `the row of key ${parts.map(describeValue).join(', ')} in ${plan.table} has ${column} = ${describeValue(value)}: ${reason}.`,
        );
      }
      parameters.push(value === undefined ? null : value);
    }
  }
  return parameters;
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeResult(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : describeValue(value);
}
