import { expect } from 'chai';
import { PriceTicked } from '../../examples/trading/events';
import { Order } from '../../examples/trading/order';
import { serveEventBrowser, type RunningEventBrowser } from '../../lib/ui';
import { describeInBrowser } from '../support/browser';
import { saveScreenshot } from '../support/screenshots';
import { DATABASE_LABEL, openTradingStore, TRADING_AGGREGATES, type TradingStore } from './support/trading-store';

/** Marks the page's window, so that a spec can tell that it was not reloaded since. */
const MARK = '__eventfoldSpecMark';

describeInBrowser('The event browser in Chromium: the live log', (session) => {
  let trading: TradingStore;
  let running: RunningEventBrowser;

  before(async () => {
    trading = await openTradingStore(6);
    running = await serveEventBrowser(trading.store, { port: 0, host: '127.0.0.1', aggregates: TRADING_AGGREGATES, databaseLabel: DATABASE_LABEL });
  });
  after(async () => {
    await running?.close();
    await trading?.close();
  });

  /** Opens the log and waits until its live source is connected, then marks the window. */
  const openLog = async (query = '') => {
    const { page } = session;
    await page.goto(`${running.url}/log${query}`);
    await page.waitForSelector('body[data-live=connected]');
    await page.evaluate((mark) => ((globalThis as unknown as Record<string, boolean>)[mark] = true), MARK);
  };
  const positionsShown = () =>
    session.page.locator('[data-testid=log-entry]').evaluateAll((rows) => rows.map((row) => [Number(row.getAttribute('data-position')), row.getAttribute('data-type')]));
  const stillTheSamePage = () => session.page.evaluate((mark) => (globalThis as unknown as Record<string, boolean>)[mark] === true, MARK);

  it('shows the log newest first', async () => {
    await openLog();
    const shown = await positionsShown();
    const head = await trading.store.headPosition();
    expect(shown[0]).to.deep.equal([head, shown[0]![1]]);
    expect(shown.map(([position]) => position)).to.deep.equal([...shown.map(([position]) => position)].sort((a, b) => Number(b) - Number(a)));
  });

  it('puts an event appended after the page opened on top, without reloading', async () => {
    await openLog();
    const recorded = await trading.store.publish(new PriceTicked('KRW-BTC', 91_500_000, new Date('2026-01-02T09:00:00Z')));
    await session.page.waitForSelector(`[data-testid=log-entry][data-position="${recorded.position}"]`);
    expect((await positionsShown())[0]).to.deep.equal([recorded.position, 'PriceTicked']);
    expect(await stillTheSamePage()).to.equal(true);
    await saveScreenshot(session.page, 'live-log');
  });

  it('passes on only the events of the type it is filtered by', async () => {
    await openLog('?type=OrderFilled');
    expect(new Set((await positionsShown()).map(([, type]) => type))).to.deep.equal(new Set(['OrderFilled']));
    // The tick commits first: had it been sent, it would be on the page before the fill is.
    await trading.store.publish(new PriceTicked('KRW-ETH', 4_610_000, new Date('2026-01-02T09:00:01Z')));
    const orders = trading.store.repository(Order);
    const order = Order.place('ord-live-1', 'KRW-ETH', 'bid', 4_600_000, 0.5, new Date('2026-01-02T09:00:02Z'));
    order.fill('trd-live-1', 4_600_000, 0.5, new Date('2026-01-02T09:00:03Z'));
    await orders.save(order);
    const head = await trading.store.headPosition();
    await session.page.waitForSelector(`[data-testid=log-entry][data-position="${head}"]`);
    const shown = await positionsShown();
    expect(shown[0]).to.deep.equal([head, 'OrderFilled']);
    expect(shown.filter(([, type]) => type !== 'OrderFilled')).to.deep.equal([]);
    expect(await stillTheSamePage()).to.equal(true);
  });
});
