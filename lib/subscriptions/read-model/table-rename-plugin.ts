import {
  OperationNodeTransformer,
  SchemableIdentifierNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';

/** Replaces table names in an operation tree: in `FROM`, `INTO`, `UPDATE`, joins and `table.column` references alike. */
class TableRenamer extends OperationNodeTransformer {
  constructor(private readonly names: ReadonlyMap<string, string>) {
    super();
  }

  protected override transformTable(node: TableNode): TableNode {
    const renamed = this.names.get(node.table.identifier.name);
    if (renamed === undefined) return super.transformTable(node);
    const { schema } = node.table;
    const table = schema ? SchemableIdentifierNode.createWithSchema(schema.name, renamed) : SchemableIdentifierNode.create(renamed);
    return { ...node, table };
  }
}

/**
 * Sends a projection's queries to the copies of its tables while it is rebuilt: every table the
 * query builder names (and every `sql.table(…)` inside a `sql` template) whose name is a key of
 * `names` becomes the name it maps to. SQL written as text cannot be rewritten; such code asks
 * the context for `tableName(…)` instead.
 */
export class TableRenamePlugin implements KyselyPlugin {
  private readonly renamer: TableRenamer;

  constructor(names: ReadonlyMap<string, string>) {
    this.renamer = new TableRenamer(names);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.renamer.transformNode(args.node);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
