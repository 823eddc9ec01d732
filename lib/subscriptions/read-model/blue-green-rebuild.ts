import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventStore } from '../../event-store/event-store';
import type { EventfoldTables } from '../../store/schema';
import type { ProjectionReplay } from '../runner/projection-replay';
import { RebuildFailedError } from '../subscriber-errors';
import { rebuildRecords, type TableCopy } from './rebuild-records';
import type { RebuildSteps } from './rebuild-steps';
import { undoRebuild } from './undo-rebuild';

/** The name of the copy a rebuild builds in place of `table`. */
export function copyNameOf(table: string): string {
  return `${table}__rebuilding`;
}

/**
 * A blue/green rebuild: the projection's declared tables stay as they are, readable by the
 * application and frozen at the checkpoint the rebuild began from, while the log is replayed into
 * empty copies of them; once the copies have caught up, one transaction drops the old tables and
 * gives the copies their names.
 *
 * Where the checkpoints are: from the first transaction on, the projection's subscriber rows count
 * what the copies hold (the replay writes them with each batch, as always), and a row in
 * `eventfold_rebuilds` keeps what the rows held before, the checkpoints of the tables the
 * application reads. The switch removes that row with the old tables; undoing the rebuild (it
 * failed, or the process died and the next one finds the row when it takes the lease) drops the
 * copies and puts the rows back. Either way the application never reads a table whose checkpoint
 * is not the one stored for it.
 *
 * Writes reach the copies through the projection's `context.db`, whose queries are rewritten to
 * name them (see `ReadModelTables`); SQL written as text asks `context.tableName(...)`.
 */
export function blueGreenRebuild(store: EventStore, projection: string, runners: readonly ProjectionReplay[]): RebuildSteps {
  const { env, subscriber } = runners[0]!;
  const copies: TableCopy[] = subscriber.tables.map((table) => ({ table, copy: copyNameOf(table) }));
  const { tableCopies } = store.backend;

  /** Undoes the rebuild and has every segment go on from the checkpoint of the old tables. */
  const undo = async (): Promise<void> => {
    try {
      await store.eventfoldTransaction((db) => undoRebuild(db, tableCopies, projection));
    } catch (error) {
      // The rows still count the copies: going on into the old tables from there would skip
      // events. The segments stay paused; the next process to take their leases undoes the rebuild.
      const reason = `its copies could not be dropped (${error instanceof Error ? error.message : String(error)}); stop this process, and the next one to run the projection drops them`;
      throw new RebuildFailedError(projection, reached(), reached(), reason);
    }
    env.readModels.restore(projection);
    for (const runner of runners) await runner.resumeFromStored();
  };

  return {
    keepsDeadLetters: true,
    keepsReadModel: true,

    async prepare(db: Kysely<EventfoldTables>) {
      for (const { table, copy } of copies) {
        if (!(await tableCopies.create(db, table, copy))) {
          throw new InvalidArgumentError(`tables of projection '${projection}'`, `table '${table}' does not exist; create it (empty is fine) before rebuilding.`);
        }
      }
      await rebuildRecords.begin(
        db,
        projection,
        runners.map((runner) => runner.name),
        copies,
      );
    },

    begin() {
      env.readModels.redirect(projection, new Map(copies.map(({ table, copy }) => [table, copy])));
    },

    async finish() {
      await Promise.all(runners.map((runner) => runner.pause()));
      try {
        await store.eventfoldTransaction(async (db) => {
          // Taken, not read: a process that found this rebuild cut short and undid it meanwhile
          // leaves nothing to switch, and one that comes later finds nothing to undo.
          const record = await rebuildRecords.take(db, projection);
          if (!record) throw failure('another process undid it (this one had lost its lease)');
          for (const runner of runners) {
            if (!(await env.subscriptions.holdsLease(db, runner.name, env.owner))) throw failure(`'${runner.name}' lost its lease to another process`);
          }
          for (const { table, copy } of record.tables) await tableCopies.replace(db, table, copy);
          await rebuildRecords.removeDeadLetters(db, record, false);
        });
      } catch (error) {
        await undo();
        throw error;
      }
      env.readModels.restore(projection);
      for (const runner of runners) runner.cancel();
    },

    async abandon() {
      await Promise.all(runners.filter((runner) => runner.holdsLease).map((runner) => runner.pause()));
      await undo();
    },
  };

  function reached(): number {
    return Math.min(...runners.map((runner) => runner.replayedUpTo));
  }

  /** The switch could not happen: the rebuild is undone, and the application keeps the old tables. */
  function failure(reason: string): RebuildFailedError {
    return new RebuildFailedError(projection, reached(), reached(), reason, true);
  }
}
