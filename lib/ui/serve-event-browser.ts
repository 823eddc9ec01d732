import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventStore } from '../event-store/event-store';
import { describeValue } from '../store/describe-value';
import { optionsObject } from '../store/options-object';
import type { EventBrowserOptions } from './browser-options';
import { eventBrowser } from './event-browser';
import { BrowserListenError } from './ui-errors';

/** Options of {@link serveEventBrowser}: those of {@link eventBrowser}, and where to listen. */
export interface ServeEventBrowserOptions extends Omit<EventBrowserOptions, 'operationsToken' | 'basePath'> {
  /** The interface to listen on. Defaults to `127.0.0.1`, so that only this machine reaches it. */
  readonly host?: string;
  /** The port. Defaults to 4000; 0 picks a free one (see `url`). */
  readonly port?: number;
  /**
   * Enables retry, discard and resume, protected by a token made at start (see
   * {@link RunningEventBrowser.token}). Defaults to false: read-only.
   */
  readonly operations?: boolean;
}

/** An event browser serving on its own port. */
export interface RunningEventBrowser {
  /** Where it listens, such as `http://127.0.0.1:4000`. */
  readonly url: string;
  /** The operations token, when operations are enabled: open `${url}/?token=${token}` to use them. */
  readonly token: string | undefined;
  /** Stops serving. The store stays open. */
  close(): Promise<void>;
}

/**
 * Serves the event browser over `store` on a port of its own (what `eventfold ui` runs).
 *
 * @throws {@link BrowserListenError} when the port is taken or the host cannot be listened on.
 * @throws {@link InvalidArgumentError} for options it cannot use.
 *
 * @example
 * ```ts
 * import { serveEventBrowser } from 'eventfold/ui';
 *
 * const browser = await serveEventBrowser(store, { port: 4000, aggregates: [Order] });
 * console.log(`Event browser: ${browser.url}`);
 * ```
 */
export async function serveEventBrowser(store: EventStore, options?: ServeEventBrowserOptions): Promise<RunningEventBrowser> {
  const { host = '127.0.0.1', port = 4000, operations = false, ...browserOptions } = optionsObject(options);
  if (typeof host !== 'string' || host === '')
    throw new InvalidArgumentError('options.host', `expected a host name or address, such as '127.0.0.1', got ${describeValue(host)}.`);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('options.port', `expected a port from 0 to 65535 (0 picks a free one), got ${describeValue(port)}.`);
  if (typeof operations !== 'boolean') throw new InvalidArgumentError('options.operations', `expected true or false, got ${describeValue(operations)}.`);
  const token = operations ? randomBytes(24).toString('base64url') : undefined;
  const browser = eventBrowser(store, { ...browserOptions, operationsToken: token });
  const server = createServer(browser.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    browser.close();
    const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is in use' : error instanceof Error ? error.message : String(error);
    throw new BrowserListenError(host, port, reason, { cause: error });
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    token,
    close() {
      browser.close();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
