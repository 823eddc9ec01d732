import { html } from 'hono/html';
import type { StreamSummary } from '../../inspection/list-streams';
import { pageFrame, type Html, type PageSettings } from './page-frame';

/** What the streams page shows. */
export interface StreamsView {
  readonly types: readonly string[];
  readonly type: string | undefined;
  readonly search: string | undefined;
  readonly streams: readonly StreamSummary[];
  /** Where this page starts in the whole list. */
  readonly offset: number;
  /** How many a page shows; a full page offers the next one. */
  readonly pageSize: number;
}

/** Streams in the order they began, with a type filter and a search by id. */
export function streamsPage(settings: PageSettings, view: StreamsView): Html {
  const href = (path: string) => `${settings.basePath}${path}`;
  const query = (offset: number) =>
    new URLSearchParams({ ...(view.type ? { type: view.type } : {}), ...(view.search ? { q: view.search } : {}), offset: String(offset) }).toString();
  const content = html`<h1>Streams</h1>
    <form class="filters" method="get" action="${href('/streams')}">
      <select name="type" aria-label="stream type">
        <option value="">every type</option>
        ${view.types.map((type) => html`<option value="${type}" ${type === view.type ? ' selected' : ''}>${type}</option>`)}
      </select>
      <input type="search" name="q" placeholder="id contains…" value="${view.search ?? ''}" aria-label="search by id" />
      <button type="submit">Filter</button>
    </form>
    ${
      view.streams.length === 0
        ? html`<p class="muted" data-testid="streams-empty">No streams${view.type || view.search ? ' match' : ' yet'}.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Type</th>
                <th>Id</th>
                <th class="number">Events</th>
                <th class="number">Began at</th>
                <th>Last event recorded</th>
              </tr>
            </thead>
            <tbody>
              ${view.streams.map(
                (stream) =>
                  html`<tr data-testid="stream" data-type="${stream.type}" data-id="${stream.id}">
                    <td>${stream.type}</td>
                    <td><a href="${href(streamPath(stream.type, stream.id))}">${stream.id}</a></td>
                    <td class="number">${stream.version}</td>
                    <td class="number">#${stream.firstPosition}</td>
                    <td class="muted">${stream.lastRecordedAt}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <p>
      ${view.offset > 0 ? html`<a href="${href(`/streams?${query(Math.max(0, view.offset - view.pageSize))}`)}">← earlier</a> ` : ''}${
        view.streams.length === view.pageSize ? html`<a href="${href(`/streams?${query(view.offset + view.pageSize)}`)}" data-testid="more-streams">later →</a>` : ''
      }
    </p>`;
  return pageFrame(settings, { title: 'Streams', section: '/streams' }, content);
}

/** The path of a stream's page, its parts escaped. */
export function streamPath(type: string, id: string, version?: number): string {
  const path = `/streams/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
  return version === undefined ? path : `${path}?version=${version}`;
}
