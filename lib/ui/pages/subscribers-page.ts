import { html } from 'hono/html';
import type { StatusReport } from '../../inspection/subscriber-status';
import type { LagHistory } from '../lag/lag-history';
import { sparkline } from '../lag/sparkline';
import { pageFrame, type Flash, type Html, type PageSettings } from './page-frame';

/** What the subscribers page shows. */
export interface SubscribersView {
  readonly report: StatusReport;
  readonly lagHistory: LagHistory;
  /** How often the page reloads itself, in milliseconds. */
  readonly refreshMs: number;
  readonly flash: Flash | undefined;
}

/**
 * Every subscriber: its state, checkpoint, lag with its trend, dead letters and the process that
 * holds it. With operations, a halted one has a resume button.
 */
export function subscribersPage(settings: PageSettings, view: SubscribersView): Html {
  const href = (path: string) => `${settings.basePath}${path}`;
  const { head, subscribers, stall } = view.report;
  const content = html`<h1>Subscribers <span class="muted">head of the log #${head}</span></h1>
    ${stall ? html`<p class="flash error">Committed events wait behind a transaction left open on the server since ${stall.since.toISOString()}.</p>` : ''}
    ${
      subscribers.length === 0
        ? html`<p class="muted">No subscriber has run on this database, and the browser was given none.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>State</th>
                <th class="number">Checkpoint</th>
                <th class="number">Lag</th>
                <th>Lag trend</th>
                <th class="number">Dead letters</th>
                <th>Held by</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${subscribers.map(
                (subscriber) =>
                  html`<tr data-testid="subscriber" data-name="${subscriber.name}">
                      <td>${subscriber.name}</td>
                      <td class="muted">${subscriber.kind}</td>
                      <td data-testid="state" class="state-${subscriber.state.replace(' ', '-')}" title="${subscriber.reason ?? ''}">
                        ${subscriber.state}${subscriber.stalled ? ' (waiting)' : ''}
                      </td>
                      <td class="number" data-testid="checkpoint">${subscriber.checkpoint}</td>
                      <td class="number" data-testid="lag">${subscriber.lag}</td>
                      <td>${sparkline(view.lagHistory.of(subscriber.name))}</td>
                      <td class="number">
                        ${subscriber.deadLetters > 0 ? html`<a href="${href(`/dead-letters?subscriber=${encodeURIComponent(subscriber.name)}`)}">${subscriber.deadLetters}</a>` : '0'}
                      </td>
                      <td class="muted">${subscriber.heldBy ?? ''}</td>
                      <td>${subscriber.state === 'halted' && settings.operations ? resumeForm(settings, subscriber.name, '/subscribers') : ''}</td>
                    </tr>
                    ${
                      subscriber.reason
                        ? html`<tr>
                            <td></td>
                            <td colspan="8" class="muted">${subscriber.reason}</td>
                          </tr>`
                        : ''
                    }`,
              )}
            </tbody>
          </table>`
    }
    <p class="muted">Lag is the number of events of the log a subscriber has not finished. The page reloads every ${Math.round(view.refreshMs / 1000)} s.</p>`;
  return pageFrame(settings, { title: 'Subscribers', section: '/subscribers', flash: view.flash, bodyData: { 'refresh-ms': String(view.refreshMs) } }, content);
}

/** The resume button of a halted subscriber; `back` is the page to return to. */
export function resumeForm(settings: PageSettings, name: string, back: string): Html {
  return html`<form method="post" action="${settings.basePath}/subscribers/${encodeURIComponent(name)}/resume?back=${encodeURIComponent(back)}">
    <button type="submit" data-action="resume" title="try the event it halted on once more">Resume</button>
  </form>`;
}
