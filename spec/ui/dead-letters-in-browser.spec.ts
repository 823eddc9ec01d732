import { expect } from 'chai';
import { Dispatcher, EventHandler, On, SubscriberOperations } from '../../lib';
import { OrderFilled, PriceTicked } from '../../examples/trading/events';
import { serveEventBrowser, type RunningEventBrowser } from '../../lib/ui';
import { describeInBrowser } from '../support/browser';
import { saveScreenshot } from '../support/screenshots';
import { DATABASE_LABEL, openTradingStore, TRADING_AGGREGATES, type TradingStore } from './support/trading-store';

/** Mails each fill to the trader; while `broken`, the fills of ether fail every attempt and are parked. */
@EventHandler('trade-mailer', { retry: { initialDelayMs: 1, maxDelayMs: 2, jitter: 0, maxAttempts: 2 }, onFailure: 'park' })
class TradeMailer {
  broken = true;
  readonly mailed: string[] = [];

  @On(OrderFilled)
  mail(event: OrderFilled): void {
    if (this.broken && event.market === 'KRW-ETH') throw new Error(`the mail server refused the notice of ${event.tradeId}`);
    this.mailed.push(event.tradeId);
  }
}

/** A subscriber the application has but never started here: the page lists it with its lag. */
@EventHandler('price-board')
class PriceBoard {
  @On(PriceTicked)
  show(): void {}
}

describeInBrowser('The event browser in Chromium: subscribers and dead letters', (session) => {
  let trading: TradingStore;
  let mailer: TradeMailer;
  let subscribers: object[];
  let running: RunningEventBrowser | undefined;

  before(async () => {
    trading = await openTradingStore(8);
    mailer = new TradeMailer();
    subscribers = [mailer, new PriceBoard()];
    const dispatcher = await Dispatcher.start(trading.store, [mailer], { logger: false });
    await dispatcher.idle();
    await dispatcher.stop();
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  after(() => trading?.close());

  const letters = async () => new SubscriberOperations(trading.store).deadLetters();
  const start = async (operations: boolean) => {
    running = await serveEventBrowser(trading.store, {
      port: 0,
      host: '127.0.0.1',
      aggregates: TRADING_AGGREGATES,
      databaseLabel: DATABASE_LABEL,
      subscribers,
      operations,
      lagSampleMs: 20,
    });
    return running;
  };
  const post = (path: string, headers: Record<string, string> = {}) => fetch(`${running!.url}${path}`, { method: 'POST', redirect: 'manual', headers });

  it('lists each subscriber with its state, checkpoint, lag and lag trend', async () => {
    const { page } = session;
    const { url } = await start(false);
    const head = await trading.store.headPosition();
    const row = (name: string) => page.locator(`tr[data-testid=subscriber][data-name="${name}"]`);
    // Each reading of the lag adds a point; the chart draws a line from the second on.
    for (let visits = 0; visits < 100; visits++) {
      await page.goto(`${url}/subscribers`);
      if ((await row('price-board').locator('svg[data-testid=lag-chart] polyline').count()) > 0) break;
    }
    expect(await row('price-board').locator('svg[data-testid=lag-chart] polyline').count()).to.equal(1);
    expect(await row('trade-mailer').locator('[data-testid=checkpoint]').textContent()).to.equal(String(head));
    expect(await row('trade-mailer').locator('[data-testid=lag]').textContent()).to.equal('0');
    expect(await row('price-board').locator('[data-testid=lag]').textContent()).to.equal(String(head));
    expect((await row('price-board').locator('[data-testid=state]').textContent())?.trim()).to.equal('not started');
    await saveScreenshot(page, 'subscribers');
  });

  it('shows the dead letters read-only without operations, and refuses to retry one with 403', async () => {
    const { page } = session;
    const [letter] = await letters();
    const { url } = await start(false);
    await page.goto(`${url}/dead-letters`);
    const row = page.locator(`tr[data-testid=dead-letter][data-id="${letter!.id}"]`);
    expect(await row.locator('[data-testid=error]').textContent()).to.include('the mail server refused the notice of');
    expect(await page.locator('[data-testid=read-only-note]').count()).to.equal(1);
    expect(await page.locator('button[data-action]').count()).to.equal(0);
    expect((await post(`/dead-letters/${letter!.id}/retry`, { authorization: 'Bearer a-token-from-another-browser' })).status).to.equal(403);
    expect((await letters()).map((each) => each.id)).to.include(letter!.id);
  });

  it('refuses a retry without the token with 401, and keeps the letter', async () => {
    const [letter] = await letters();
    const mailedBefore = mailer.mailed.length;
    await start(true);
    expect((await post(`/dead-letters/${letter!.id}/retry`)).status).to.equal(401);
    expect((await letters()).map((each) => each.id)).to.include(letter!.id);
    expect(mailer.mailed).to.have.length(mailedBefore);
  });

  it('retries a dead letter from the page after entering with the token: the handler runs and the letter is gone', async () => {
    const { page } = session;
    const before = await letters();
    expect(before.length).to.be.greaterThan(1);
    const letter = before[0]!;
    const { url, token } = await start(true);
    await page.goto(`${url}/?token=${token!}`);
    expect(new URL(page.url()).pathname).to.equal('/streams');
    await page.goto(`${url}/dead-letters`);
    mailer.broken = false;
    const mailedBefore = mailer.mailed.length;
    await Promise.all([
      page.waitForSelector('[data-testid=flash]'),
      page.locator(`tr[data-testid=dead-letter][data-id="${letter.id}"] button[data-action=retry]`).click(),
    ]);
    expect(await page.locator('[data-testid=flash]').textContent()).to.include(`Dead letter ${letter.id}`);
    expect(await page.locator(`tr[data-testid=dead-letter][data-id="${letter.id}"]`).count()).to.equal(0);
    expect(await page.locator('tr[data-testid=dead-letter]').count()).to.equal(before.length - 1);
    expect(mailer.mailed.slice(mailedBefore)).to.have.length(1);
    await saveScreenshot(page, 'dead-letters');
    expect((await letters()).map((each) => each.id)).to.deep.equal(before.slice(1).map((each) => each.id));
  });
});
