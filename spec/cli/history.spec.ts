import { expect } from 'chai';
import { runCli, TRADING_CONFIG } from './support/run-cli';
import { query, tradingDatabase } from './support/trading-database';

interface Step {
  event: { version: number; position: number; type: string; recordedAt: string; payload: Record<string, unknown> };
  state: Record<string, unknown>;
  changes: Array<{ field: string; kind: string; before?: unknown; after?: unknown }>;
}

describe('eventfold history', () => {
  let db: string;
  /** An order of the example that was placed, filled in parts and then filled in full. */
  let orderId: string;
  let events: number;

  before(async function () {
    this.timeout(120_000);
    db = await tradingDatabase();
    const [row] = query<{ id: string; events: number }>(
      db,
      `select stream_id as id, count(*) as events from eventfold_events where stream_type = 'Order'
       group by stream_id having sum(event_type = 'OrderFilled') >= 2 and count(*) >= 3 order by min(position) limit 1`,
    );
    orderId = row!.id;
    events = Number(row!.events);
  });

  const history = (...args: string[]) => runCli(['history', 'Order', orderId, '--config', TRADING_CONFIG, '--db', db, ...args]);

  it('prints each event with the state after it, marking the fields it changed', async () => {
    const { code, stdout, stderr } = await history();

    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const lines = stdout.split('\n');
    expect(lines[0]).to.equal(`Order ${orderId}: ${events} events`);
    expect(lines.filter((line) => /^v\d+ {2}Order\w+ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}position \d+$/.test(line))).to.have.length(events);
    expect(lines[2]).to.match(/^v1 {2}OrderPlaced {2}/);
    expect(lines[3]).to.match(/^ {4}payload +\{"orderId":"ord-\d+","market":"KRW-/);
    expect(stdout).to.match(/^ {2}~ status +"new" -> "open"$/m);
    expect(stdout).to.match(/^ {2}~ status +"(open|partially-filled)" -> "(partially-filled|filled)"$/m);
    expect(stdout).to.match(/^ {4}market +"KRW-\w+"$/m); // unchanged after the first event: no mark
  });

  it('stops at --version', async () => {
    const { code, stdout } = await history('--version', '2');

    expect(code).to.equal(0);
    expect(stdout.split('\n')[0]).to.equal(`Order ${orderId}: events 1 to 2 of ${events}`);
    expect(stdout).to.match(/^v2 {2}OrderFilled/m);
    expect(stdout).not.to.match(/^v3 /m);
  });

  it('prints one JSON document with the event, state and changes of each step', async () => {
    const { code, stdout } = await history('--json');

    expect(code).to.equal(0);
    const steps = JSON.parse(stdout) as Step[];
    expect(steps.map((step) => step.event.version)).to.deep.equal(Array.from({ length: events }, (_, index) => index + 1));
    expect(steps[0]!.event).to.include({ type: 'OrderPlaced' }).and.to.have.nested.property('payload.orderId', orderId);
    expect(steps[0]!.state).to.include({ status: 'open' });
    expect(steps[0]!.changes).to.deep.include({ field: 'status', kind: 'changed', before: 'new', after: 'open' });
    expect(steps[1]!.event.type).to.equal('OrderFilled');
    expect(steps[1]!.changes.map((change) => change.field))
      .to.include('filled')
      .and.not.to.include('market');
  });

  it('stops at --at: the state after every event recorded by then', async () => {
    const all = JSON.parse((await history('--json')).stdout) as Step[];
    const at = all[1]!.event.recordedAt;

    const { code, stdout } = await history('--json', '--at', at);

    expect(code).to.equal(0);
    const steps = JSON.parse(stdout) as Step[];
    expect(steps)
      .to.have.length(all.filter((step) => step.event.recordedAt <= at).length)
      .and.to.have.length.greaterThanOrEqual(2);
    expect(steps[steps.length - 1]!.state).to.deep.equal(all[steps.length - 1]!.state);
  });

  it('lists the known aggregates when the name is unknown', async () => {
    const { code, stdout, stderr } = await runCli(['history', 'Ordr', orderId, '--config', TRADING_CONFIG, '--db', db]);

    expect(code).to.equal(1);
    expect(stdout).to.equal('');
    expect(stderr).to.equal("error: Unknown aggregate 'Ordr'. Known aggregates: Order, Position.\n");
  });

  it('fails with the number of events when --version is past the last one', async () => {
    const { code, stderr } = await history('--version', String(events + 5));

    expect(code).to.equal(1);
    expect(stderr).to.equal(`error: Order '${orderId}' has ${events} events, so it has no version ${events + 5}. Give --version from 1 to ${events}.\n`);
  });

  it('rejects a --version that is not a whole number as a usage error', async () => {
    const { code, stderr } = await history('--version', 'two');

    expect(code).to.equal(2);
    expect(stderr).to.contain("error: option '--version <n>' argument 'two' is invalid. Expected a whole number from 1 up.");
  });

  it('says so when the aggregate has no events', async () => {
    const { code, stderr } = await runCli(['history', 'Order', 'ord-none', '--config', TRADING_CONFIG, '--db', db]);

    expect(code).to.equal(1);
    expect(stderr).to.equal("error: Order 'ord-none' does not exist: its stream has no events. List the Order streams with: eventfold streams --type Order\n");
  });
});
