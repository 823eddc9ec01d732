import {
  SchemableIdentifierNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';

/** Nodes that hold values rather than nodes: a value that happens to look like a node is still a value. */
const LEAVES = new Set(['ValueNode', 'PrimitiveValueListNode', 'IdentifierNode', 'DefaultValueNode']);

/**
 * `node` with every table named in `names` renamed, in `FROM`, `INTO`, `UPDATE`, joins and
 * `table.column` references alike. Copies only the nodes on the way to a renamed table and
 * returns the others as they are: this runs on every query a projection builds while it is
 * rebuilt, and Kysely's own `OperationNodeTransformer` would copy the whole tree each time.
 */
function renameTables<T extends OperationNode>(node: T, names: ReadonlyMap<string, string>): T {
  if (node.kind === 'TableNode') {
    const table = (node as unknown as TableNode).table;
    const renamed = names.get(table.identifier.name);
    if (renamed === undefined) return node;
    const identifier = table.schema ? SchemableIdentifierNode.createWithSchema(table.schema.name, renamed) : SchemableIdentifierNode.create(renamed);
    return { ...node, table: identifier };
  }
  if (LEAVES.has(node.kind)) return node;
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(node)) {
    const renamed = renameChild(value, names);
    if (renamed !== value) {
      copy ??= { ...(node as unknown as Record<string, unknown>) };
      copy[key] = renamed;
    }
  }
  return (copy as unknown as T | undefined) ?? node;
}

function renameChild(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const renamed = renameChild(item, names);
      if (renamed !== item) {
        copy ??= [...(value as unknown[])];
        copy[index] = renamed;
      }
    });
    return copy ?? value;
  }
  return isNode(value) ? renameTables(value, names) : value;
}

function isNode(value: unknown): value is OperationNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/**
 * Sends a projection's queries to the copies of its tables while it is rebuilt: every table the
 * query builder names (and every `sql.table(…)` inside a `sql` template) whose name is a key of
 * `names` becomes the name it maps to. SQL written as text cannot be rewritten; such code asks
 * the context for `tableName(…)` instead.
 */
export class TableRenamePlugin implements KyselyPlugin {
  constructor(private readonly names: ReadonlyMap<string, string>) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return renameTables(args.node, this.names);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
