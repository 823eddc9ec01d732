import { getRequestListener } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { streamSSE } from 'hono/streaming';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readAggregateDefinition } from '../aggregates/aggregate.decorator';
import { listStreams, listStreamTypes } from '../inspection/list-streams';
import { readStatus } from '../inspection/subscriber-status';
import { describeSubscribers } from '../inspection/configured-subscribers';
import { followLog } from '../inspection/follow-log';
import type { EventStore } from '../event-store/event-store';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { SubscriberOperations } from '../subscriptions/operations/subscriber-operations';
import { operationAccess, TOKEN_COOKIE } from './access/operations-access';
import { BROWSER_SCRIPT } from './assets/browser-script';
import { STYLESHEET } from './assets/stylesheet';
import { browserSettings, type EventBrowserOptions } from './browser-options';
import { LagHistory } from './lag/lag-history';
import { BrowserOperations } from './operations/browser-operations';
import { deadLettersPage } from './pages/dead-letters-page';
import { logPage, logRow, matchesLogFilter, type LogFilter } from './pages/log-page';
import { pageFrame, type Flash, type Html, type PageSettings } from './pages/page-frame';
import { streamPage } from './pages/stream-page';
import { streamsPage } from './pages/streams-page';
import { subscribersPage } from './pages/subscribers-page';
import { readRecentLog } from './reading/recent-log';
import { readStreamTimeline } from './reading/stream-timeline';

/** Streams per page of the streams list. */
const STREAMS_PAGE_SIZE = 100;
/** Rows the log page shows and keeps as new ones arrive. */
const LOG_ROWS = 200;
/** How often a live log looks for new events, in milliseconds. */
const LIVE_POLL_MS = 200;

/**
 * The event browser as a web application that an HTTP server hands its requests to. It reads
 * the store it is given and never closes it.
 */
export interface EventBrowser {
  /** Handles a request the web-standard way (for servers and frameworks built on `fetch`). */
  fetch(request: Request): Promise<Response>;
  /**
   * Handles a request of Node's `http` server: its `IncomingMessage` and `ServerResponse`. Pass it
   * to `http.createServer`, call it from the application's own request listener for the paths
   * under `basePath`, or mount it in Express with `app.use(basePath, browser.handle)` (a request's
   * `originalUrl`, where a framework sets one, is the path it reads). (The parameters are typed as plain objects so that an application
   * without `@types/node` can still compile against this declaration.)
   */
  readonly handle: (request: object, response: object) => void;
  /** Stops reading lag samples and ends the live log streams it serves. */
  close(): void;
}

/**
 * Makes the event browser over `store`: streams and their histories with time travel, the live
 * log, subscribers with their lag, and dead letters. It is read-only unless `operationsToken` is
 * given; see {@link serveEventBrowser} for a server of its own.
 *
 * @throws {@link InvalidArgumentError} for options it cannot use.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { eventBrowser } from 'eventfold/ui';
 *
 * const browser = eventBrowser(store, { aggregates: [Order], basePath: '/events' });
 * createServer((request, response) => {
 *   if (request.url?.startsWith('/events')) browser.handle(request, response);
 *   else response.end('the application');
 * }).listen(3000, '127.0.0.1');
 * ```
 */
export function eventBrowser(store: EventStore, options?: EventBrowserOptions): EventBrowser {
  if (typeof store !== 'object' || store === null || typeof store.headPosition !== 'function') {
    throw new InvalidArgumentError('store', 'expected an EventStore, as EventStore.open returns.');
  }
  const settings = browserSettings(options);
  const page: PageSettings = {
    basePath: settings.basePath,
    databaseLabel: settings.databaseLabel ?? store.backend.label,
    operations: settings.operationsToken !== undefined,
  };
  const aggregateByType = new Map(settings.aggregates.map((aggregateClass) => [readAggregateDefinition(aggregateClass).name, aggregateClass]));
  const configured = describeSubscribers(settings.subscribers);
  const operations = new BrowserOperations(store, settings.subscribers, settings.prepare);
  const lagHistory = new LagHistory();
  const liveStreams = new Set<AbortController>();

  const readSubscribers = async () => {
    const report = await readStatus(store, configured);
    lagHistory.record(Date.now(), new Map(report.subscribers.map((subscriber) => [subscriber.name, subscriber.lag])));
    return report;
  };
  const sampler = setInterval(() => void readSubscribers().catch(() => undefined), settings.lagSampleMs);
  sampler.unref();

  const app = settings.basePath === '' ? new Hono() : new Hono().basePath(settings.basePath);
  const render = (context: Context, body: Html, status: 200 | 404 | 401 | 403 | 500 = 200) => context.html(body, status);
  const redirect = (context: Context, path: string) => context.redirect(`${settings.basePath}${path}`, 303);

  app.get('/', (context) => {
    const token = context.req.query('token');
    if (token !== undefined && settings.operationsToken !== undefined && operationAccess(settings.operationsToken, `Bearer ${token}`, undefined).granted) {
      setCookie(context, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: settings.basePath || '/' });
    }
    return redirect(context, '/streams');
  });
  app.get('/assets/eventfold.css', (context) => context.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/assets/eventfold.js', (context) => context.body(BROWSER_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));

  app.get('/streams', async (context) => {
    const type = context.req.query('type') || undefined;
    const search = context.req.query('q') || undefined;
    const offset = Math.max(0, Number.parseInt(context.req.query('offset') ?? '0', 10) || 0);
    const [types, streams] = await Promise.all([listStreamTypes(store), listStreams(store, { type, idContains: search, limit: STREAMS_PAGE_SIZE, offset })]);
    return render(context, streamsPage(page, { types, type, search, streams, offset, pageSize: STREAMS_PAGE_SIZE }));
  });
  app.get('/streams/:type/:id', async (context) => {
    const type = context.req.param('type');
    const id = context.req.param('id');
    const asked = Number.parseInt(context.req.query('version') ?? '', 10);
    const timeline = await readStreamTimeline(store, aggregateByType.get(type), { type, id }, Number.isSafeInteger(asked) ? asked : undefined);
    if (timeline === null) return render(context, messagePage(page, 'Not found', `The log has no stream ${type} ${id}.`), 404);
    return render(context, streamPage(page, timeline));
  });

  app.get('/log', async (context) => {
    const filter = logFilterOf(context);
    const { entries, head } = await readRecentLog(store, filter, LOG_ROWS);
    return render(context, logPage(page, { filter, entries, head, limit: LOG_ROWS }));
  });
  app.get('/log/events', (context) => {
    const filter = logFilterOf(context);
    const from = Number.parseInt(context.req.query('from') ?? '', 10);
    return streamSSE(context, async (stream) => {
      const controller = new AbortController();
      liveStreams.add(controller);
      stream.onAbort(() => controller.abort());
      let written = Promise.resolve();
      try {
        const start = Number.isSafeInteger(from) && from >= 1 ? from : (await store.headPosition()) + 1;
        await followLog(store, { from: start, intervalMs: LIVE_POLL_MS, signal: controller.signal }, (entry) => {
          if (!matchesLogFilter(entry, filter)) return;
          const position = entry.kind === 'event' ? entry.recorded.position : entry.error.position;
          written = written.then(async () =>
            stream.writeSSE({ event: 'entry', id: String(position), data: JSON.stringify({ position, html: String(await logRow(page, entry)) }) }),
          );
        });
        await written;
      } catch {
        // The store closed, or the client went away while an event was written: the stream ends,
        // and a client that is still there reconnects from the last event it got.
      } finally {
        liveStreams.delete(controller);
      }
    });
  });

  app.get('/subscribers', async (context) => {
    const report = await readSubscribers();
    return render(context, subscribersPage(page, { report, lagHistory, refreshMs: Math.max(settings.lagSampleMs, 2000), flash: flashOf(context) }));
  });
  app.get('/dead-letters', async (context) => {
    const subscriber = context.req.query('subscriber') || undefined;
    const inspector = new SubscriberOperations(store);
    const [letters, status] = await Promise.all([inspector.deadLetters(subscriber), inspector.status()]);
    const halted = status.subscribers.filter((entry) => entry.state === 'halted').map((entry) => entry.name);
    return render(context, deadLettersPage(page, { letters, subscriber, halted, flash: flashOf(context) }));
  });

  const operation = (run: (context: Context) => Promise<Flash>) => async (context: Context) => {
    const access = operationAccess(settings.operationsToken, context.req.header('authorization'), getCookie(context, TOKEN_COOKIE));
    if (!access.granted) return render(context, messagePage(page, 'Not allowed', access.message), access.status);
    const flash = await run(context);
    const back = context.req.query('back');
    const target = back !== undefined && /^\/[a-z-]+(\?[^\s]*)?$/.test(back) ? back : '/dead-letters';
    const separator = target.includes('?') ? '&' : '?';
    return redirect(context, `${target}${separator}${new URLSearchParams({ flash: flash.text, ...(flash.error ? { failed: '1' } : {}) }).toString()}`);
  };
  app.post(
    '/dead-letters/:id/retry',
    operation((context) => operations.retry(letterIdOf(context))),
  );
  app.post(
    '/dead-letters/:id/discard',
    operation((context) => operations.discard(letterIdOf(context))),
  );
  app.post(
    '/subscribers/:name/resume',
    operation((context) => operations.resume(context.req.param('name') ?? '')),
  );

  app.notFound((context) => render(context, messagePage(page, 'Not found', `Nothing is at ${new URL(context.req.url).pathname}.`), 404));
  app.onError((error, context) => render(context, messagePage(page, 'Error', `The page could not be made: ${error.message}`), 500));

  const nodeListener: (request: IncomingMessage, response: ServerResponse) => Promise<void> = getRequestListener(app.fetch, {
    // A library mounted in an application's server must leave the global Request and Response alone.
    overrideGlobalObjects: false,
  });
  return {
    fetch: (request) => Promise.resolve(app.fetch(request)),
    handle(request, response) {
      const incoming = request as IncomingMessage & { originalUrl?: unknown };
      // Express strips the mount path from `url` and keeps the whole path in `originalUrl`.
      if (typeof incoming.originalUrl === 'string') incoming.url = incoming.originalUrl;
      void nodeListener(incoming, response as ServerResponse);
    },
    close() {
      clearInterval(sampler);
      for (const controller of liveStreams) controller.abort();
    },
  };
}

function logFilterOf(context: Context): LogFilter {
  return { type: context.req.query('type') || undefined, stream: context.req.query('stream') || undefined };
}

function flashOf(context: Context): Flash | undefined {
  const text = context.req.query('flash');
  return text ? { text, error: context.req.query('failed') === '1' } : undefined;
}

/** A dead letter's id from the path; a malformed one matches no dead letter, and says so. */
function letterIdOf(context: Context): number {
  const id = Number(context.req.param('id'));
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}

/** A page that only says what went wrong: not found, not allowed, or failed. */
function messagePage(page: PageSettings, title: string, text: string): Html {
  return pageFrame(page, { title, section: '/streams', flash: { text, error: true } }, html`<p><a href="${page.basePath}/streams">All streams</a></p>`);
}
