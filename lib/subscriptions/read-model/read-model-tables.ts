import type { Kysely } from 'kysely';
import { TableRenamePlugin } from './table-rename-plugin';

/** The tables one projection writes to instead of its read model's, while it is rebuilt. */
interface Redirect {
  readonly names: ReadonlyMap<string, string>;
  readonly plugin: TableRenamePlugin;
  /** The transaction last wrapped, and its wrapper. */
  lastDb?: unknown;
  lastWriter?: unknown;
}

/**
 * Where each projection of one dispatcher writes: its read-model tables, or, while a blue/green
 * rebuild builds copies of them, the copies. Segments of one projection share its read model, so
 * redirects are kept by the projection's name, not the segment's. One instance per dispatcher:
 * two dispatchers never see each other's rebuilds.
 */
export class ReadModelTables {
  private readonly redirects = new Map<string, Redirect>();

  /** From now on `projection` writes to `copies` (read-model table -> copy) instead. */
  redirect(projection: string, copies: ReadonlyMap<string, string>): void {
    this.redirects.set(projection, { names: copies, plugin: new TableRenamePlugin(copies) });
  }

  /** `projection` writes to its read-model tables again. */
  restore(projection: string): void {
    this.redirects.delete(projection);
  }

  /** The table `projection`'s writes to `table` reach now: `table` itself, or its copy during a rebuild. */
  physicalName(projection: string, table: string): string {
    return this.redirects.get(projection)?.names.get(table) ?? table;
  }

  /** `db` as `projection` must write through it now: its queries reach the copies during a rebuild. */
  writer<DB>(projection: string, db: Kysely<DB>): Kysely<DB> {
    const redirect = this.redirects.get(projection);
    if (!redirect) return db;
    // One wrapper per transaction, not per event: a batch hands every event the same one.
    if (redirect.lastDb !== db) {
      redirect.lastDb = db;
      redirect.lastWriter = db.withPlugin(redirect.plugin);
    }
    return redirect.lastWriter as Kysely<DB>;
  }
}
