import { expect } from 'chai';
import { join } from 'node:path';
import { DomainEvent, EventStore } from '../../lib';
import { temporaryFolder } from '../support/backends';
import { runCli, TRADING_CONFIG } from './support/run-cli';
import { query, tradingDatabase } from './support/trading-database';

@DomainEvent('Noted')
class Noted {}

describe('eventfold streams', () => {
  let db: string;
  let streams: Array<{ type: string; id: string; events: number }>;

  before(async function () {
    this.timeout(120_000);
    db = await tradingDatabase();
    streams = query(db, 'select stream_type as type, stream_id as id, count(*) as events from eventfold_events group by 1, 2 order by min(position)');
  });

  it('lists every stream with its number of events, in the order they began', async () => {
    const { code, stdout, stderr } = await runCli(['streams', '--config', TRADING_CONFIG, '--db', db]);

    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^TYPE +ID +EVENTS +LAST EVENT$/);
    expect(lines.slice(1, -1).map((line) => line.split(/ +/).slice(0, 3))).to.deep.equal(streams.map((s) => [s.type, s.id, String(s.events)]));
    expect(lines[lines.length - 1]).to.equal(`${streams.length} streams`);
  });

  it('lists only the streams of one type with --type, as JSON with --json', async () => {
    const { code, stdout } = await runCli(['streams', '--type', 'Position', '--json', '--db', db]);

    expect(code).to.equal(0);
    const listed = JSON.parse(stdout) as Array<{ type: string; id: string; version: number }>;
    const positions = streams.filter((stream) => stream.type === 'Position');
    expect(listed.map(({ type, id, version }) => ({ type, id, events: version }))).to.deep.equal(positions);
    expect(positions.length).to.be.greaterThan(0);
  });

  it('names the stream types there are when none has the type asked for', async () => {
    const { code, stdout } = await runCli(['streams', '--type', 'Trade', '--db', db]);

    expect(code).to.equal(0);
    expect(stdout).to.equal("No streams of type 'Trade'. Stream types in the log: $bus, Order, Position.\n");
  });

  it('leaves out a deleted stream, whose tombstone is all that is left of it', async () => {
    const folder = temporaryFolder();
    try {
      const file = join(folder.path, 'deleted.db');
      const store = await EventStore.open({ sqlite: file });
      await store.append({ type: 'Order', id: 'kept' }, [new Noted()]);
      await store.append({ type: 'Order', id: 'erased' }, [new Noted(), new Noted()]);
      await store.deleteStream({ type: 'Order', id: 'erased' });
      await store.close();

      const { code, stdout } = await runCli(['streams', '--json', '--db', file]);

      expect(code).to.equal(0);
      expect((JSON.parse(stdout) as Array<{ id: string; version: number }>).map(({ id, version }) => ({ id, version }))).to.deep.equal([{ id: 'kept', version: 1 }]);
    } finally {
      folder.remove();
    }
  });
});
