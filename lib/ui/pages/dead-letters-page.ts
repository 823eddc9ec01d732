import { html } from 'hono/html';
import type { InspectedDeadLetter } from '../../subscriptions/operations/subscriber-operations';
import { pageFrame, type Flash, type Html, type PageSettings } from './page-frame';
import { streamPath } from './streams-page';
import { resumeForm } from './subscribers-page';

/** What the dead-letters page shows. */
export interface DeadLettersView {
  readonly letters: readonly InspectedDeadLetter[];
  /** Only this subscriber's, when the page was asked for one. */
  readonly subscriber: string | undefined;
  /** Subscribers halted now: each gets a resume button. */
  readonly halted: readonly string[];
  readonly flash: Flash | undefined;
}

/**
 * The events subscribers gave up on, oldest first, with their errors. With operations, each has
 * retry and discard buttons, and each halted subscriber a resume button.
 */
export function deadLettersPage(settings: PageSettings, view: DeadLettersView): Html {
  const back = `/dead-letters${view.subscriber ? `?subscriber=${encodeURIComponent(view.subscriber)}` : ''}`;
  const action = (id: number, verb: 'retry' | 'discard') => `${settings.basePath}/dead-letters/${id}/${verb}?back=${encodeURIComponent(back)}`;
  const content = html`<h1>Dead letters${view.subscriber ? html` of <span>${view.subscriber}</span>` : ''}</h1>
    ${
      settings.operations
        ? ''
        : html`<p class="muted" data-testid="read-only-note">Read-only: start the browser with <code>--operations</code> to retry, discard and resume.</p>`
    }
    ${
      settings.operations && view.halted.length > 0
        ? html`<h2>Halted subscribers</h2>
            <table>
              <tbody>
                ${view.halted.map(
                  (name) =>
                    html`<tr data-testid="halted-subscriber" data-name="${name}">
                      <td>${name}</td>
                      <td>${resumeForm(settings, name, back)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }
    ${
      view.letters.length === 0
        ? html`<p class="muted" data-testid="dead-letters-empty">No dead letters.</p>`
        : html`<table>
            <thead>
              <tr>
                <th class="number">Id</th>
                <th>Subscriber</th>
                <th>Event</th>
                <th>Error</th>
                <th class="number">Attempts</th>
                <th>Failed at</th>
                ${settings.operations ? html`<th></th>` : ''}
              </tr>
            </thead>
            <tbody>
              ${view.letters.map(
                (letter) =>
                  html`<tr data-testid="dead-letter" data-id="${letter.id}">
                    <td class="number">${letter.id}</td>
                    <td>${letter.subscriber}${letter.halted ? html` <span class="state-halted" title="the subscriber halted on this event">halted</span>` : ''}</td>
                    <td>
                      <a href="${settings.basePath}${streamPath(letter.streamType, letter.streamId)}">${letter.streamType} ${letter.streamId}</a> #${letter.position}
                      ${letter.eventType}
                    </td>
                    <td>
                      <details>
                        <summary data-testid="error">${letter.errorMessage}</summary>
                        ${letter.errorStack ? html`<pre>${letter.errorStack}</pre>` : ''}
                      </details>
                    </td>
                    <td class="number">${letter.attempts}</td>
                    <td class="muted">${letter.failedAt.toISOString()}</td>
                    ${
                      settings.operations
                        ? html`<td>
                            <form method="post" action="${action(letter.id, 'retry')}" style="display:inline">
                              <button type="submit" data-action="retry">Retry</button>
                            </form>
                            <form method="post" action="${action(letter.id, 'discard')}" style="display:inline">
                              <button type="submit" class="danger" data-action="discard">Discard</button>
                            </form>
                          </td>`
                        : ''
                    }
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
  return pageFrame(settings, { title: 'Dead letters', section: '/dead-letters', flash: view.flash }, content);
}
