import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError, type EventStore } from '../../lib';
import { eventBrowser, serveEventBrowser, type RunningEventBrowser } from '../../lib/ui';
import { forEachBackend } from '../support/backends';
import { Order, OrderFilled, OrderPlaced } from '../support/domain';
import { expectRejection } from '../support/expect-rejection';

// The browser as HTTP requests see it, without a real browser: the specs in this folder that
// drive Chromium cover what the pages do in one.
forEachBackend('The event browser, over HTTP', (backend) => {
  let store: EventStore;
  let running: RunningEventBrowser | undefined;

  beforeEach(async () => {
    store = await backend.open({ aggregates: [Order], events: [OrderPlaced, OrderFilled] });
    const orders = store.repository(Order);
    for (const id of ['o-1', 'o-2', 'special_100%']) await orders.save(Order.place(id, 'KRW-BTC', 2));
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  const start = async (options = {}) => {
    running = await serveEventBrowser(store, { port: 0, aggregates: [Order], ...options });
    return running.url;
  };

  it('lists streams filtered by type and by a part of the id, taking % and _ as they are', async () => {
    const url = await start();
    const ids = async (query: string) =>
      [...(await (await fetch(`${url}/streams${query}`)).text()).matchAll(/data-testid="stream" data-type="Order" data-id="([^"]+)"/g)].map((match) => match[1]);
    expect(await ids('?type=Order')).to.deep.equal(['o-1', 'o-2', 'special_100%']);
    expect(await ids('?q=o-')).to.deep.equal(['o-1', 'o-2']);
    expect(await ids(`?q=${encodeURIComponent('_100%')}`)).to.deep.equal(['special_100%']);
    expect(await ids('?q=%25')).to.deep.equal(['special_100%']);
    expect(await ids('?type=Nothing')).to.deep.equal([]);
  });

  it('answers 404 with a page for a stream that has no events and for an unknown path', async () => {
    const url = await start();
    const missing = await fetch(`${url}/streams/Order/o-404`);
    expect(missing.status).to.equal(404);
    expect(await missing.text()).to.include('The log has no stream Order o-404.');
    expect((await fetch(`${url}/nowhere`)).status).to.equal(404);
  });

  it('sends each new event to a live log as it is appended, filtered by type', async () => {
    const url = await start();
    const head = await store.headPosition();
    const abort = new AbortController();
    const response = await fetch(`${url}/log/events?type=OrderFilled&from=${head + 1}`, { signal: abort.signal });
    expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const orders = store.repository(Order);
    const order = await orders.load('o-1');
    order.fill(1);
    await orders.save(order);
    let text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    expect(text).to.match(/^event: entry\ndata: \{"position":\d+,"html":".*data-type=\\"OrderFilled\\".*\}\nid: \d+\n\n/);
    expect(text).to.include('Order o-1 v2');
  });

  it('mounts under a base path in an application’s own server or as Express mounts it, with links that keep it', async () => {
    const browser = eventBrowser(store, { aggregates: [Order], basePath: '/events' });
    const server: Server = createServer((request, response) => {
      if (request.url?.startsWith('/events')) browser.handle(request, response);
      else response.end('the application');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const page = await (await fetch(`${base}/events/streams/Order/o-1`)).text();
      expect(page).to.include('href="/events/assets/eventfold.css"');
      expect(page).to.include('href="/events/streams"');
      expect(await (await fetch(`${base}/other`)).text()).to.equal('the application');
      // As Express hands a mounted listener its requests: the mount path cut from url, kept in originalUrl.
      const mounted = createServer((request, response) => {
        Object.assign(request, { originalUrl: request.url, url: request.url!.slice('/events'.length) || '/' });
        browser.handle(request, response);
      });
      await new Promise<void>((resolve) => mounted.listen(0, '127.0.0.1', resolve));
      try {
        const response = await fetch(`http://127.0.0.1:${(mounted.address() as AddressInfo).port}/events/streams/Order/o-1`);
        expect(response.status).to.equal(200);
        expect(await response.text()).to.include('data-testid="stream-id">o-1<');
      } finally {
        await new Promise((resolve) => mounted.close(resolve));
      }
      const viaFetch = await browser.fetch(new Request('http://localhost/events/streams'));
      expect(viaFetch.status).to.equal(200);
    } finally {
      browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sets the token cookie only for the right token', async () => {
    const url = await start({ operations: true });
    const right = await fetch(`${url}/?token=${running!.token}`, { redirect: 'manual' });
    expect(right.status).to.equal(303);
    expect(right.headers.get('set-cookie')).to.match(/^eventfold_token=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const wrong = await fetch(`${url}/?token=not-the-token-at-all`, { redirect: 'manual' });
    expect(wrong.headers.get('set-cookie')).to.equal(null);
  });

  it('refuses options it cannot use, naming them', async () => {
    for (const [options, argument] of [
      [{ basePath: 'events' }, 'options.basePath'],
      [{ basePath: '/events/' }, 'options.basePath'],
      [{ operationsToken: 'short' }, 'options.operationsToken'],
      [{ aggregates: [42] }, 'options.aggregates[0]'],
      [{ subscribers: 'all' }, 'options.subscribers'],
      [{ lagSampleMs: 0 }, 'options.lagSampleMs'],
    ] as const) {
      const error = await expectRejection(() => eventBrowser(store, options as never), InvalidArgumentError);
      expect(error.argument).to.equal(argument);
    }
    expect((await expectRejection(() => eventBrowser({} as never), InvalidArgumentError)).argument).to.equal('store');
    expect((await expectRejection(serveEventBrowser(store, { port: 70_000 }), InvalidArgumentError)).argument).to.equal('options.port');
  });
});
