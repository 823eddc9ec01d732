import { expect } from 'chai';
import { captureState } from '../../lib/aggregates/aggregate-state';
import { Order } from '../../examples/trading/order';
import { serveEventBrowser, type RunningEventBrowser } from '../../lib/ui';
import { describeInBrowser } from '../support/browser';
import { saveScreenshot } from '../support/screenshots';
import { DATABASE_LABEL, openTradingStore, TRADING_AGGREGATES, type TradingStore } from './support/trading-store';

describeInBrowser('The event browser in Chromium: streams and time travel', (session) => {
  let trading: TradingStore;
  let running: RunningEventBrowser;
  /** The order with the longest history of the run, so that stepping goes through several events. */
  let orderId: string;
  let lastVersion: number;

  before(async () => {
    trading = await openTradingStore(12);
    const versions = new Map<string, number>();
    for (const id of trading.orderIds) versions.set(id, (await trading.store.repository(Order).load(id)).version);
    [orderId, lastVersion] = [...versions].sort(([, a], [, b]) => b - a)[0]!;
    running = await serveEventBrowser(trading.store, { port: 0, host: '127.0.0.1', aggregates: TRADING_AGGREGATES, databaseLabel: DATABASE_LABEL });
  });
  after(async () => {
    await running?.close();
    await trading?.close();
  });

  const stateShown = async () => JSON.parse((await session.page.locator('[data-testid=state] pre').textContent()) ?? 'null') as unknown;
  const stateLoaded = async (version: number) => JSON.parse(captureState(await trading.store.repository(Order).load(orderId, { version }))) as unknown;
  const versionShown = async () => Number(await session.page.locator('[data-testid=version]').textContent());

  it('lists the order streams matching a part of the id, each linking to its history', async () => {
    const { page } = session;
    await page.goto(`${running.url}/streams?type=Order&q=ord-00000`);
    const rows = page.locator('tr[data-testid=stream]');
    expect(await rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-id')))).to.deep.equal(trading.orderIds.slice(0, 10));
    expect(new Set(await rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-type'))))).to.deep.equal(new Set(['Order']));
    await saveScreenshot(page, 'streams');
    await page.locator(`tr[data-testid=stream][data-id="${trading.orderIds[1]}"] a`).first().click();
    await page.waitForURL(new RegExp(`/streams/Order/${trading.orderIds[1]}`));
    expect(await page.locator('[data-testid=stream-id]').textContent()).to.equal(trading.orderIds[1]);
  });

  it('opens a stream at its last version', async () => {
    expect(lastVersion).to.be.greaterThan(2);
    await session.page.goto(`${running.url}/streams/Order/${orderId}`);
    expect(await versionShown()).to.equal(lastVersion);
    expect(await stateShown()).to.deep.equal(await stateLoaded(lastVersion));
    expect(await session.page.locator('a[data-testid=next]').count()).to.equal(0);
  });

  it('steps forward with the next link, showing at each version the state the repository loads', async () => {
    const { page } = session;
    await page.goto(`${running.url}/streams/Order/${orderId}?version=1`);
    expect(await page.locator('a[data-testid=previous]').count()).to.equal(0);
    for (let version = 1; ; version++) {
      expect(await versionShown()).to.equal(version);
      expect(await stateShown(), `state after version ${version}`).to.deep.equal(await stateLoaded(version));
      if (version === lastVersion) break;
      await Promise.all([page.waitForURL(new RegExp(`version=${version + 1}$`)), page.locator('a[data-testid=next]').click()]);
    }
    expect(await page.locator('a[data-testid=next]').count()).to.equal(0);
  });

  it('steps back with the previous link and the arrow keys', async () => {
    const { page } = session;
    await page.goto(`${running.url}/streams/Order/${orderId}?version=${lastVersion}`);
    await Promise.all([page.waitForURL(new RegExp(`version=${lastVersion - 1}$`)), page.locator('a[data-testid=previous]').click()]);
    for (let version = lastVersion - 1; version > 1; version--) {
      expect(await versionShown()).to.equal(version);
      expect(await stateShown(), `state after version ${version}`).to.deep.equal(await stateLoaded(version));
      await Promise.all([page.waitForURL(new RegExp(`version=${version - 1}$`)), page.keyboard.press('ArrowLeft')]);
    }
    expect(await versionShown()).to.equal(1);
    expect(await stateShown()).to.deep.equal(await stateLoaded(1));
    await Promise.all([page.waitForURL(/version=2$/), page.keyboard.press('ArrowRight')]);
    expect(await versionShown()).to.equal(2);
    expect(await stateShown()).to.deep.equal(await stateLoaded(2));
  });

  it('shows what an event changed in the state, field by field', async () => {
    const { page } = session;
    await page.goto(`${running.url}/streams/Order/${orderId}?version=2`);
    const before = (await stateLoaded(1)) as Record<string, unknown>;
    const after = (await stateLoaded(2)) as Record<string, unknown>;
    const changed = Object.keys({ ...before, ...after })
      .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      .sort();
    const rows = await page.locator('[data-testid=changes] tr[data-field]').evaluateAll((found) => found.map((row) => row.getAttribute('data-field')));
    expect(changed).not.to.deep.equal([]);
    expect([...rows].sort()).to.deep.equal(changed);
    const payload = JSON.parse((await page.locator('[data-testid=event-payload] pre').textContent()) ?? 'null') as { orderId?: string };
    expect(payload.orderId).to.equal(orderId);
    await saveScreenshot(page, 'stream-history');
  });

  it('shows only the events of a stream no aggregate class is given for', async () => {
    const { page } = session;
    await page.goto(`${running.url}/streams?type=${encodeURIComponent('$bus')}`);
    await Promise.all([page.waitForURL(/\/streams\/[^?]+\/PriceTicked/), page.locator('tr[data-testid=stream][data-id=PriceTicked] a').first().click()]);
    expect(await page.locator('[data-testid=event-type]').textContent()).to.equal('PriceTicked');
    expect(await page.locator('[data-testid=event-payload] pre').count()).to.equal(1);
    expect(await page.locator('[data-testid=state]').count()).to.equal(0);
    expect(await page.locator('[data-testid=changes]').count()).to.equal(0);
  });
});
