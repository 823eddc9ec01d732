import { expect } from 'chai';
import { DomainEvent, EventHandler, On, SubscriberOperations, type EventStore } from '../../lib';
import { serveEventBrowser, type RunningEventBrowser } from '../../lib/ui';
import { forEachBackend } from '../support/backends';

@DomainEvent('ShipmentBooked')
class ShipmentBooked {
  constructor(readonly shipment: string) {}
}

/** Fails every attempt while `broken`, then succeeds: a dead letter to retry once it is mended. */
@EventHandler('label-printer', { retry: { initialDelayMs: 1, maxDelayMs: 2, jitter: 0, maxAttempts: 2 }, onFailure: 'park' })
class LabelPrinter {
  broken = true;
  readonly printed: string[] = [];

  @On(ShipmentBooked)
  print(event: ShipmentBooked): void {
    if (this.broken) throw new Error(`the printer is out of labels for ${event.shipment}`);
    this.printed.push(event.shipment);
  }
}

forEachBackend('The event browser’s operations', (backend) => {
  let store: EventStore;
  let printer: LabelPrinter;
  let running: RunningEventBrowser | undefined;
  let letterId: number;

  beforeEach(async () => {
    store = await backend.open({ events: [ShipmentBooked] });
    printer = new LabelPrinter();
    const dispatcher = await backend.dispatch(store, [printer]);
    await store.publish(new ShipmentBooked('s-1'), { stream: { type: 'Shipment', id: 's-1' } });
    await dispatcher.idle();
    await dispatcher.stop();
    const [letter] = await new SubscriberOperations(store).deadLetters();
    letterId = letter!.id;
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  const post = (path: string, headers: Record<string, string> = {}) => fetch(`${running!.url}${path}`, { method: 'POST', redirect: 'manual', headers });
  const letters = async () => (await new SubscriberOperations(store).deadLetters()).map((letter) => letter.id);

  it('lists the dead letter with its error and the subscriber with its checkpoint', async () => {
    running = await serveEventBrowser(store, { port: 0, subscribers: [printer] });
    const page = await (await fetch(`${running.url}/dead-letters`)).text();
    expect(page).to.include(`data-testid="dead-letter" data-id="${letterId}"`);
    expect(page).to.include('the printer is out of labels for s-1');
    expect(page).to.include('data-testid="read-only-note"');
    expect(page).not.to.include('data-action="retry"');
    const subscribers = await (await fetch(`${running.url}/subscribers`)).text();
    expect(subscribers).to.match(/data-name="label-printer">[\s\S]*?data-testid="checkpoint">1</);
  });

  it('refuses every operation when read-only, with 403, and changes nothing', async () => {
    running = await serveEventBrowser(store, { port: 0, subscribers: [printer] });
    for (const path of [`/dead-letters/${letterId}/retry`, `/dead-letters/${letterId}/discard`, '/subscribers/label-printer/resume']) {
      expect((await post(path, { authorization: 'Bearer whatever-token-is-sent' })).status, path).to.equal(403);
    }
    expect(await letters()).to.deep.equal([letterId]);
  });

  it('refuses an operation without the token or with a wrong one, with 401, and changes nothing', async () => {
    running = await serveEventBrowser(store, { port: 0, subscribers: [printer], operations: true });
    expect((await post(`/dead-letters/${letterId}/discard`)).status).to.equal(401);
    expect((await post(`/dead-letters/${letterId}/discard`, { authorization: 'Bearer not-the-token-at-all' })).status).to.equal(401);
    expect((await post(`/dead-letters/${letterId}/discard`, { cookie: 'eventfold_token=not-the-token-at-all' })).status).to.equal(401);
    expect(await letters()).to.deep.equal([letterId]);
  });

  it('retries a dead letter with the token: a failure again is shown and kept, a success removes it', async () => {
    running = await serveEventBrowser(store, { port: 0, subscribers: [printer], operations: true });
    const bearer = { authorization: `Bearer ${running.token!}` };
    const failed = await post(`/dead-letters/${letterId}/retry`, bearer);
    expect(failed.status).to.equal(303);
    const failedPage = await (await fetch(new URL(failed.headers.get('location')!, running.url))).text();
    expect(failedPage).to.match(
      /data-testid="flash" class="flash error">Dead letter \d+ \(label-printer, ShipmentBooked #1\) failed again: the printer is out of labels for s-1/,
    );
    expect(await letters()).to.deep.equal([letterId]);

    printer.broken = false;
    const succeeded = await post(`/dead-letters/${letterId}/retry`, { cookie: `eventfold_token=${running.token!}` });
    expect(decodeURIComponent(succeeded.headers.get('location')!.replace(/\+/g, ' '))).to.include(
      `Dead letter ${letterId} (label-printer, ShipmentBooked #1) succeeded and was removed.`,
    );
    expect(printer.printed).to.deep.equal(['s-1']);
    expect(await letters()).to.deep.equal([]);
  });

  it('says which subscriber is missing when it was not given one to retry through', async () => {
    running = await serveEventBrowser(store, { port: 0, operations: true });
    const answer = await post(`/dead-letters/${letterId}/retry`, { authorization: `Bearer ${running.token!}` });
    expect(decodeURIComponent(answer.headers.get('location')!.replace(/\+/g, ' '))).to.include("'label-printer'");
    expect(await letters()).to.deep.equal([letterId]);
  });
});
