import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compilers, consumerFolder, type ConsumerProject } from '../support/packed-package';

const run = promisify(execFile);

/** What a child process printed and how it ended, whether it failed or not. */
async function outcomeOf(args: string[], cwd: string): Promise<{ code: number; stdout: string }> {
  return run(process.execPath, args, { cwd }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: Error & { code?: number; stdout?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? error.message }),
  );
}

/** A `node:test` file in plain CommonJS, as a user without a build step would write it: three tests pass, one fails. */
const NODE_TEST_FILE = `
const test = require('node:test');
const assert = require('node:assert');
const { Aggregate, AggregateRoot, Apply, DomainEvent, On, Projection } = require('eventfold');
const { aggregateFixture, subscriberFixture } = require('eventfold/testing');

class OrderPlaced { constructor(item = '') { this.item = item; } }
DomainEvent('OrderPlaced')(OrderPlaced);
class OrderShipped { constructor(carrier = '') { this.carrier = carrier; } }
DomainEvent('OrderShipped')(OrderShipped);

class Order extends AggregateRoot {
  status = 'new';
  ship(carrier) {
    if (this.status !== 'placed') throw new Error(\`cannot ship a \${this.status} order\`);
    this.raise(new OrderShipped(carrier));
  }
  placed() { this.status = 'placed'; }
  shipped() { this.status = 'shipped'; }
}
const method = (target, name) => [target.prototype, name, Object.getOwnPropertyDescriptor(target.prototype, name)];
Apply(OrderPlaced)(...method(Order, 'placed'));
Apply(OrderShipped)(...method(Order, 'shipped'));
Aggregate('Order')(Order);

class OrderStatus {
  async placed(_event, { db, recorded }) {
    await db.insertInto('order_status').values({ id: recorded.streamId, status: 'placed' }).execute();
  }
}
On(OrderPlaced)(...method(OrderStatus, 'placed'));
Projection('order-status')(OrderStatus);

test('ships a placed order', () => {
  aggregateFixture(Order).given(new OrderPlaced('keyboard')).when((order) => order.ship('post')).thenEvents(new OrderShipped('post'));
});

test('refuses to ship a new order', () => {
  aggregateFixture(Order).when((order) => order.ship('post')).thenError(Error, /cannot ship a new order/);
});

test('projects placed orders', async () => {
  const run = await subscriberFixture(new OrderStatus(), {
    setup: (db) => db.schema.createTable('order_status').addColumn('id', 'text').addColumn('status', 'text').execute(),
  });
  try {
    await run.given({ type: 'Order', id: 'o-1' }, new OrderPlaced('keyboard'));
    assert.deepStrictEqual(await run.db.selectFrom('order_status').selectAll().execute(), [{ id: 'o-1', status: 'placed' }]);
  } finally {
    await run.close();
  }
});

test('expects another carrier', () => {
  aggregateFixture(Order).given(new OrderPlaced('keyboard')).when((order) => order.ship('post')).thenEvents(new OrderShipped('courier'));
});
`;

describe('The eventfold/testing entry point', function () {
  this.timeout(60_000);
  let project: ConsumerProject;
  before(async () => (project = await consumerFolder('commonjs')));
  after(() => project.remove());
  const write = (name: string, text: string) => {
    const file = join(project.path, name);
    writeFileSync(file, text);
    return file;
  };

  it('works under node:test, whose report shows a failed check as an assertion with its differences', async () => {
    write('orders.test.cjs', NODE_TEST_FILE);
    const { code, stdout } = await outcomeOf(['--test', '--test-reporter=tap', 'orders.test.cjs'], project.path);
    expect(code, stdout).to.equal(1);
    expect(stdout)
      .to.match(/^# pass 3$/m)
      .and.to.match(/^# fail 1$/m);
    expect(stdout).to.match(/^not ok 4 - expects another carrier$/m);
    expect(stdout).to.contain("failureType: 'testCodeFailure'").and.to.contain("code: 'ERR_ASSERTION'");
    expect(stdout).to.contain("event 1, OrderShipped.carrier: expected 'courier', got 'post'");
  });

  it('shares the classes of the root entry point, through import as through require()', async () => {
    const file = write(
      'shared.mjs',
      `import { EventStore } from 'eventfold';
import { testStore } from 'eventfold/testing';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
if (require('eventfold/testing').testStore !== testStore) throw new Error('two copies of testStore');
const store = await testStore();
console.log(JSON.stringify({ shared: store instanceof EventStore && store instanceof require('eventfold').EventStore }));
await store.close();
`,
    );
    const { code, stdout } = await outcomeOf([file], project.path);
    expect(code, stdout).to.equal(0);
    expect(JSON.parse(stdout)).to.deep.equal({ shared: true });
  });

  it('ships type declarations that ES module and CommonJS TypeScript projects compile against', async () => {
    const consumer = `import { AggregateRoot } from 'eventfold';
import { aggregateFixture, testStore, type SubscriberRun } from 'eventfold/testing';
declare class Order extends AggregateRoot {
  ship(carrier: string): void;
}
export const shipped: Order = aggregateFixture(Order).when((order) => order.ship('post')).thenEvents();
export const store = testStore({ pageSize: 10 });
export type Run = SubscriberRun<{ order_status: { id: string } }>;
`;
    write('consumer.mts', consumer);
    write('consumer.cts', consumer);
    // Compiled beside them, a misuse the declarations must catch: they are types, not any.
    write('misuse.mts', `import { testStore } from 'eventfold/testing';\nexport const store = testStore({ pageSize: 'ten' });\n`);
    const [{ tsc }] = compilers;
    const options = ['--noEmit', '--pretty', 'false', '--strict', '--target', 'es2022'];
    const node16 = await outcomeOf([tsc, ...options, '--module', 'node16', '--moduleResolution', 'node16', 'consumer.mts', 'consumer.cts', 'misuse.mts'], project.path);
    expect(node16.stdout.trim()).to.match(/^misuse\.mts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'\.$/);
    // Projects still on the resolution that predates `exports` find the subpath through `typesVersions`.
    const node10 = await outcomeOf([tsc, ...options, '--module', 'commonjs', '--moduleResolution', 'node10', 'consumer.cts'], project.path);
    expect(node10).to.deep.equal({ code: 0, stdout: '' });
  });
});
