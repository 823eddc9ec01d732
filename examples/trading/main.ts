// The trading example, end to end: `npm run example [-- --orders 300 --db trading.db --seed 42 --expire-after 1000 --stop-loss 5]`.
// On PostgreSQL: `npm run example -- --db postgres://user@host:5432/database [--schema trading]`.
// Every run adds orders to the same database; interrupt it with Ctrl-C and the next run
// redelivers to each subscriber whatever it had not finished.
import { parseArgs } from 'node:util';
import { Dispatcher, EventStore } from '../../lib';
import config from './eventfold.config';
import { MarketSimulator } from './market-simulator';
import { DEFAULT_EXPIRE_AFTER_MS } from './order-expiry';
import { readModels } from './read-models';
import { DEFAULT_STOP_LOSS_RATE } from './stop-loss';
import { tradingSubscribers, type ProcessOptions } from './subscribers';
import { summarize, type Summary } from './summary';

/** Options of one run. */
export interface RunOptions extends ProcessOptions {
  /** An SQLite file, or a postgres:// URL. */
  readonly database: string;
  /** The PostgreSQL schema, when `database` is a URL. */
  readonly schema?: string;
  readonly orders: number;
  readonly seed: number;
  /** Where the run reports what it does; defaults to standard output. */
  readonly print?: (line: string) => void;
  /** Aborting it stops placing orders; the run then stops its subscribers where they are. */
  readonly signal?: AbortSignal;
}

/** Runs the example once and returns its summary. */
export async function runTradingExample(options: RunOptions): Promise<Summary> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const aggregates = [...(config.aggregates ?? [])];
  const events = [...(config.events ?? [])];
  // The same application on either database: only the way the store is opened differs.
  const store = /^postgres(ql)?:\/\//.test(options.database)
    ? await EventStore.open({ postgres: options.database, schema: options.schema ?? config.schema, aggregates, events })
    : await EventStore.open({ sqlite: options.database, aggregates, events });
  try {
    await config.setup?.(store);
    const subscribers = tradingSubscribers(store, options);
    const head = await store.headPosition();
    print(`eventfold trading example: ${describeDatabase(options)}, ${head.toLocaleString('en-US')} events in the log`);
    const saved = await store.db.selectFrom('eventfold_subscriptions').select(['name', 'position']).execute();
    const checkpoints = new Map(saved.map((row) => [row.name, Number(row.position)]));
    const pending = await store.db
      .selectFrom('eventfold_deadlines')
      .select(['process_manager', (eb) => eb.fn.countAll<number>().as('count')])
      .where('status', '=', 'pending')
      .groupBy('process_manager')
      .execute();
    // The notification service fails on purpose now and then, so the notifier parks a few events
    // each run: the first report is shown in full, the rest are counted in the summary.
    let parked = 0;
    const logger = { info: print, error: print, warn: (line: string) => void (parked++ === 0 && print(`  ${line}`)) };
    const dispatcher = await Dispatcher.start(store, [...subscribers], { logger });
    for (const name of dispatcher.subscriberNames) {
      const checkpoint = checkpoints.get(name);
      if (checkpoint === undefined) print(`  ${name.padEnd(16)} new subscriber: replays the log from the start`);
      else if (checkpoint < head) print(`  ${name.padEnd(16)} redelivering ${head - checkpoint} events it had not finished when the last run stopped`);
      else print(`  ${name.padEnd(16)} up to date at position ${checkpoint}`);
      // Deadlines are rows, not timers: those the last run left are delivered as they fall due.
      const deadlines = Number(pending.find((row) => row.process_manager === name)?.count ?? 0);
      if (deadlines > 0) print(`  ${''.padEnd(16)} ${deadlines} deadlines left by the last run, delivered as they fall due`);
    }
    const catchUpStarted = Date.now();
    // Ctrl-C is honoured wherever the run waits: while leases run out, while subscribers catch
    // up, and while orders are placed. Events the subscribers have not reached stay unhandled,
    // and the next run redelivers them from the checkpoints.
    const stopIfInterrupted = async (ordersPlaced: number) => {
      if (!options.signal?.aborted) return;
      const behind = lagByName(dispatcher);
      await dispatcher.stop();
      print(`\nInterrupted after ${ordersPlaced} orders. Behind the log: ${behind}. The next run redelivers those events.`);
      throw new InterruptedError();
    };
    await takeOverLeases(dispatcher, print, options.signal);
    await idleUnlessInterrupted(dispatcher, options.signal);
    await stopIfInterrupted(0);
    if (head > 0) print(`Caught up with the log in ${seconds(Date.now() - catchUpStarted)}.`);

    const simulator = new MarketSimulator(store, options.seed);
    const first = await simulator.ordersPlaced();
    print(`Placing orders ${first + 1} to ${first + options.orders} (seed ${options.seed})...`);
    const started = Date.now();
    const result = await simulator.run(
      options.orders,
      (done) => {
        if (done % 100 === 0) print(`  ${done} orders placed; behind the log: ${lagByName(dispatcher)}`);
      },
      options.signal,
    );
    await stopIfInterrupted(result.orders);
    if (lagged(dispatcher)) print(`Placed ${result.orders} orders; waiting for the subscribers to catch up (Ctrl-C stops them where they are)...`);
    await idleUnlessInterrupted(dispatcher, options.signal);
    await stopIfInterrupted(result.orders);
    print(`Placed ${result.orders} orders with ${result.fills} fills in ${seconds(Date.now() - started)}; every subscriber has caught up.`);
    const summary = await summarize(store, readModels(store), dispatcher);
    await dispatcher.stop();
    for (const line of summary.lines) print(line);
    print(`Run again to add ${options.orders} more orders. Interrupt a run with Ctrl-C and the next one catches up.`);
    return summary;
  } finally {
    await store.close();
  }
}

/** Thrown when a run was interrupted. */
export class InterruptedError extends Error {}

/**
 * Waits while subscribers stand by for a lease that a killed earlier run still holds: it runs out
 * after the lease time (5 s), and then this process takes them over. Returns early on Ctrl-C.
 */
async function takeOverLeases(dispatcher: Dispatcher, print: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const waiting = () =>
    dispatcher
      .stats()
      .filter((stats) => stats.state === 'standby')
      .map((stats) => stats.name);
  if (waiting().length === 0) return;
  print(`Waiting for the leases of ${waiting().join(', ')}, still held by a run that was killed...`);
  while (waiting().length > 0 && !signal?.aborted) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Waits until every subscriber has caught up with the log, or until `signal` aborts. */
async function idleUnlessInterrupted(dispatcher: Dispatcher, signal?: AbortSignal): Promise<void> {
  if (!signal) return dispatcher.idle();
  if (signal.aborted) return;
  let stopWaiting = () => {};
  const interrupted = new Promise<void>((resolve) => {
    stopWaiting = resolve;
    signal.addEventListener('abort', stopWaiting, { once: true });
  });
  try {
    await Promise.race([dispatcher.idle(), interrupted]);
  } finally {
    signal.removeEventListener('abort', stopWaiting);
  }
}

function lagged(dispatcher: Dispatcher): boolean {
  return dispatcher.stats().some((stats) => stats.lag > 0);
}

function lagByName(dispatcher: Dispatcher): string {
  return dispatcher
    .stats()
    .map((stats) => `${stats.name} ${stats.lag}`)
    .join(', ');
}

/** The database for the first line of output, with any password hidden. */
function describeDatabase({ database, schema }: RunOptions): string {
  if (!/^postgres(ql)?:\/\//.test(database)) return database;
  return `${database.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@')} schema ${schema ?? config.schema ?? 'public'}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '300' },
      db: { type: 'string', default: config.database ?? 'trading.db' },
      schema: { type: 'string' },
      seed: { type: 'string', default: '42' },
      'expire-after': { type: 'string', default: String(DEFAULT_EXPIRE_AFTER_MS) },
      'stop-loss': { type: 'string', default: String(DEFAULT_STOP_LOSS_RATE * 100) },
    },
  });
  const orders = Number(values.orders);
  const seed = Number(values.seed);
  const expireAfterMs = Number(values['expire-after']);
  const stopLossPercent = Number(values['stop-loss']);
  if (!Number.isSafeInteger(orders) || orders < 0 || !Number.isSafeInteger(seed)) {
    process.stderr.write('error: --orders takes a whole number >= 0 and --seed a whole number\n');
    process.exit(2);
  }
  if (!Number.isSafeInteger(expireAfterMs) || expireAfterMs < 0 || !(stopLossPercent > 0 && stopLossPercent < 100)) {
    process.stderr.write('error: --expire-after takes milliseconds, a whole number >= 0, and --stop-loss a percentage between 0 and 100\n');
    process.exit(2);
  }
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    interrupt.abort();
    // A second Ctrl-C leaves at once.
    process.once('SIGINT', () => process.exit(130));
  });
  runTradingExample({ database: values.db, schema: values.schema, orders, seed, expireAfterMs, stopLossRate: stopLossPercent / 100, signal: interrupt.signal }).catch(
    (error) => {
      if (error instanceof InterruptedError) process.exit(130);
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
