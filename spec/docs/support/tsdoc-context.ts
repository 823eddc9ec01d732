// The sample objects TSDoc examples talk about without declaring them: `store`, `orders`, an
// `Order` aggregate, `OrderPlaced` and `OrderFilled` events… Each example is compiled with imports
// of the names it uses from this module (see tsdoc-units.ts), the way rustdoc's hidden lines give
// an example its setting. Declarations only: the examples are compiled, not run. Internal types
// come from the packed package's own files, as the examples of internal helpers do.
import ts from 'typescript';

/** The packed package's ES module declarations, from the context's folder (src/tsdoc/ of the docs project). */
const DIST = '../../../node_modules/eventfold/dist/esm';

/** The module, as written into the docs project next to the examples (src/tsdoc/context.ts). */
export const TSDOC_CONTEXT = `// Sample objects for the TSDoc examples of lib/: declared, never run.
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import {
  AggregateRoot,
  type AppendOptions,
  type DeadLetter,
  Dispatcher,
  EventStore,
  type ReadAllOptions,
  type RecordedEvent,
  type Repository,
  type StreamRef,
  SubscriberOperations,
} from 'eventfold';
import type { withSubscribers } from '${DIST}/cli/subscribers/run-subscribers.mjs';
import type { CliSession, SessionOptions } from '${DIST}/cli/session/cli-session.mjs';
import type { Terminal } from '${DIST}/cli/output/terminal.mjs';
import type { DeadLetterStore } from '${DIST}/subscriptions/dead-letter-store.mjs';
import type { SavedSubscription, SubscriptionStore } from '${DIST}/subscriptions/subscription-store.mjs';

export { Kysely, SqliteDialect } from 'kysely';
export { default as Database } from 'better-sqlite3';
export { bindSubscriber } from '${DIST}/subscriptions/bound-subscriber.mjs';

// Events of a trading application.
export declare class Money {
  constructor(amount?: number, currency?: string);
  readonly amount: number;
  readonly currency: string;
}
export declare class OrderPlaced {
  constructor(orderId?: string, market?: string);
  constructor(orderId: string, placedAt: Date);
  readonly orderId: string;
  readonly market: string;
  readonly placedAt: Date;
}
export declare class OrderFilled {
  constructor(volume?: number, price?: Money);
  readonly orderId: string;
  readonly volume: number;
  readonly price: Money;
}
export declare class OrderCancelled {
  constructor(orderId?: string);
  readonly orderId: string;
}
export declare class FilledAt {
  constructor(fill?: object);
  readonly fill: object;
}
export declare class PriceTicked {
  constructor(market?: string, price?: number);
}
export declare class OrderShipped {
  constructor(carrier?: string);
  readonly carrier: string;
}
export declare class Shipped {
  constructor(carrier?: string, address?: { city: string });
}
export declare class StockReceived {
  constructor(sku?: string, quantity?: number);
  readonly sku: string;
  readonly quantity: number;
}
export declare class NotificationRequested {
  constructor(userId?: string, topic?: string);
}

// Its aggregates, read models and subscribers.
export declare class Order extends AggregateRoot {
  static place(id: string, market: string): Order;
  status: 'new' | 'open' | 'cancelled';
  remaining: number;
  cancel(): void;
  ship(carrier: string): void;
}
export declare class Position extends AggregateRoot {}
export type ReadModels = {
  open_orders: { id: string; market: string };
  stock_levels: { sku: string; on_hand: number; movements: number };
};
export type StockLevel = ReadModels['stock_levels'];
export interface Sender {
  send(text: string, options: { idempotencyKey: string; signal?: AbortSignal }): Promise<void>;
}
export declare class OpenOrders {
  reset(db: Kysely<ReadModels>): Promise<void>;
}
export declare class Positions {}
export type ReadModel = { order_status: { id: string; status: string } };
export declare class OrderStatus {}
export declare function createOrderStatusTable(db: Kysely<ReadModel>): Promise<void>;
export declare const carriers: { cheapest(): Promise<string> };
export declare class FillNotifier {
  constructor(sender: Sender);
}
export declare function createReadModelTables(store: EventStore): Promise<void>;
export declare class OrderExpiry {}
export type Expiry = { market: string };

// The objects a running application has at hand.
export declare const store: EventStore;
export declare const orders: Repository<Order>;
export declare const order: Order;
export declare const aggregate: AggregateRoot;
export declare const dispatcher: Dispatcher;
export declare const subscribers: object[];
export declare const operations: SubscriberOperations;
export declare const stream: StreamRef;
export declare const event: OrderPlaced;
export declare const placed: OrderPlaced;
export declare const filled: OrderFilled;
export declare const row: ReadModels['open_orders'];
export declare const id: number;
export declare const commandId: string;
export declare const correlationId: string;
export declare const requestId: string;
export declare const request: { readonly id: string };
export declare const at: Date;
export declare const checkpoint: number;
export declare const error: unknown;
export declare const signal: AbortSignal;
export declare const sender: Sender;
export declare const mailer: Sender;
export declare const logger: { warn(message: unknown): void };
export declare const options: SessionOptions & AppendOptions & ReadAllOptions;
export declare function message(event: OrderFilled): string;
export declare function project(recorded: RecordedEvent): void;
export declare function retry(): void;
export declare function retryCommand(): Promise<void>;
export declare function flushMetrics(): Promise<void>;

// Internals, for the examples of internal helpers.
export declare const session: CliSession;
export declare const terminal: Terminal;
export declare const command: Command;
export declare const projection: Parameters<typeof withSubscribers>[1][number];
export declare const letters: DeadLetter[];
export declare const letter: DeadLetter;
export declare const deadLetters: DeadLetterStore;
export declare const subscriptions: SubscriptionStore;
export declare const saved: SavedSubscription | undefined;
export declare const statement: { all(parameters: unknown[]): unknown[] };
export declare const parameters: unknown[];
export declare const file: string;
`;

/** The names the module exports. */
export const TSDOC_CONTEXT_NAMES: readonly string[] = exportedNames(TSDOC_CONTEXT);

function exportedNames(text: string): string[] {
  const source = ts.createSourceFile('context.ts', text, ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement) => {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      return statement.exportClause.elements.map((element) => element.name.text);
    }
    if (!exported) return [];
    if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.map((declaration) => declaration.name.getText(source));
    const name = (statement as { name?: ts.Node }).name;
    return name && ts.isIdentifier(name) ? [name.text] : [];
  });
}
