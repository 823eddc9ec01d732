import { html } from 'hono/html';
import { toJsonValue } from '../../inspection/json-text';
import type { LogEntry } from '../../inspection/follow-log';
import { pageFrame, type Html, type PageSettings } from './page-frame';
import { streamPath } from './streams-page';

/** Which events the log page shows. */
export interface LogFilter {
  /** Only events of this type (the event's type, such as OrderFilled). */
  readonly type: string | undefined;
  /** Only events of streams of this type (such as Order). */
  readonly stream: string | undefined;
}

/** Whether an entry passes the filter. */
export function matchesLogFilter(entry: LogEntry, filter: LogFilter): boolean {
  const { type, streamType } = entry.kind === 'event' ? entry.recorded : entry.error;
  return (filter.type === undefined || type === filter.type) && (filter.stream === undefined || streamType === filter.stream);
}

/** What the log page shows. */
export interface LogView {
  readonly filter: LogFilter;
  /** The latest events that pass the filter, newest first. */
  readonly entries: readonly LogEntry[];
  /** The head of the log when they were read: the live stream goes on after it. */
  readonly head: number;
  /** How many rows the page keeps as new ones arrive. */
  readonly limit: number;
}

/**
 * The global log, newest first. The script opens the live source and puts each new event on top
 * as it commits.
 */
export function logPage(settings: PageSettings, view: LogView): Html {
  const href = (path: string) => `${settings.basePath}${path}`;
  const filterQuery = new URLSearchParams({ ...(view.filter.type ? { type: view.filter.type } : {}), ...(view.filter.stream ? { stream: view.filter.stream } : {}) });
  const source = href(`/log/events?${new URLSearchParams([...filterQuery, ['from', String(view.head + 1)]]).toString()}`);
  const content = html`<h1>Live log <span class="live-status" data-testid="live-status">connecting…</span></h1>
    <form class="filters" method="get" action="${href('/log')}">
      <input name="type" placeholder="event type, e.g. OrderFilled" value="${view.filter.type ?? ''}" aria-label="event type" />
      <input name="stream" placeholder="stream type, e.g. Order" value="${view.filter.stream ?? ''}" aria-label="stream type" />
      <button type="submit">Filter</button>
    </form>
    <table>
      <thead>
        <tr>
          <th class="number">Position</th>
          <th>Recorded</th>
          <th>Stream</th>
          <th>Type</th>
          <th>Payload</th>
        </tr>
      </thead>
      <tbody data-testid="log-rows">
        ${view.entries.map((entry) => logRow(settings, entry))}
      </tbody>
    </table>
    ${view.entries.length === 0 ? html`<p class="muted" data-testid="log-empty">No events yet; new ones appear here as they are appended.</p>` : ''}`;
  return pageFrame(settings, { title: 'Live log', section: '/log', bodyData: { 'live-source': source, 'live-limit': String(view.limit) } }, content);
}

/** One event as a row of the log table: the page's rows and the live ones are made alike. */
export function logRow(settings: PageSettings, entry: LogEntry): Html {
  if (entry.kind === 'undecodable') {
    const { error } = entry;
    return html`<tr data-testid="log-entry" data-position="${error.position}" data-type="${error.type}">
      <td class="number">#${error.position}</td>
      <td></td>
      <td>
        <a href="${settings.basePath}${streamPath(error.streamType, error.streamId, error.streamVersion)}"
          >${error.streamType} ${error.streamId} v${error.streamVersion}</a
        >
      </td>
      <td>${error.type}</td>
      <td class="flash error">cannot decode: ${error.message}</td>
    </tr>`;
  }
  const { recorded } = entry;
  const payload = JSON.stringify(toJsonValue(recorded.event));
  return html`<tr data-testid="log-entry" data-position="${recorded.position}" data-type="${recorded.type}">
    <td class="number">#${recorded.position}</td>
    <td class="muted">${recorded.recordedAt.toISOString()}</td>
    <td>
      <a href="${settings.basePath}${streamPath(recorded.streamType, recorded.streamId, recorded.streamVersion)}"
        >${recorded.streamType} ${recorded.streamId} v${recorded.streamVersion}</a
      >
    </td>
    <td>${recorded.type}</td>
    <td><code>${payload.length > 160 ? `${payload.slice(0, 160)}…` : payload}</code></td>
  </tr>`;
}
