import { html } from 'hono/html';
import type { StreamTimeline } from '../reading/stream-timeline';
import { jsonBlock, pageFrame, type Html, type PageSettings } from './page-frame';
import { streamPath } from './streams-page';

/**
 * A stream's history with time travel: the events on the left, the one chosen on the right with
 * its payload and metadata and, for an aggregate, the state after it and what it changed.
 * Previous and next (and the arrow keys) step through it.
 */
export function streamPage(settings: PageSettings, timeline: StreamTimeline): Html {
  const href = (version: number) => `${settings.basePath}${streamPath(timeline.type, timeline.id, version)}`;
  const { version, lastVersion, event, step } = timeline;
  const content = html`<h1>${timeline.type} <span data-testid="stream-id">${timeline.id}</span></h1>
    <div class="history">
      <ol data-testid="timeline">
        ${timeline.entries.map(
          (entry) =>
            html`<li>
              <a href="${href(entry.version)}" class="${entry.version === version ? 'current' : ''}" data-version="${entry.version}"
                >v${entry.version} ${entry.type}${entry.undecodable ? ' ⚠' : ''}</a
              >
            </li>`,
        )}
      </ol>
      <section>
        <div class="stepper">
          ${version > 1 ? html`<a href="${href(version - 1)}" data-testid="previous" rel="prev">← previous</a>` : html`<span class="muted">← previous</span>`}
          <span>version <strong data-testid="version">${version}</strong> of ${lastVersion}</span>
          ${version < lastVersion ? html`<a href="${href(version + 1)}" data-testid="next" rel="next">next →</a>` : html`<span class="muted">next →</span>`}
          <span class="muted">(← and → keys step)</span>
        </div>
        ${
          event
            ? html`<h2><span data-testid="event-type">${event.type}</span> <span class="muted">#${event.position} · ${event.recordedAt} · ${event.eventId}</span></h2>
                <div class="panes">
                  <div data-testid="event-payload">
                    <h2>Payload</h2>
                    ${jsonBlock(event.payload)}
                  </div>
                  <div data-testid="event-metadata">
                    <h2>Metadata</h2>
                    ${jsonBlock(event.metadata)}
                  </div>
                </div>`
            : html`<p class="flash error" data-testid="undecodable">
                ${timeline.entries.find((entry) => entry.version === version)?.undecodable ?? 'This event cannot be decoded.'}
              </p>`
        }
        ${typeof step === 'string' ? html`<p class="muted" data-testid="no-state">${step}</p>` : stateSection(step)}
      </section>
    </div>`;
  return pageFrame(settings, { title: `${timeline.type} ${timeline.id} v${version}`, section: '/streams' }, content);
}

function stateSection(step: Exclude<StreamTimeline['step'], string>): Html {
  return html`<div class="panes">
    <div data-testid="changes">
      <h2>What it changed</h2>
      ${
        step.changes.length === 0
          ? html`<p class="muted">Nothing in the state changed.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Before</th>
                  <th>After</th>
                </tr>
              </thead>
              <tbody>
                ${step.changes.map(
                  (change) =>
                    html`<tr data-field="${change.field}" class="change-${change.kind}">
                      <td>${change.field}</td>
                      <td class="before">${change.kind === 'added' ? html`<span class="muted">(absent)</span>` : jsonBlock(change.before)}</td>
                      <td class="after">${change.kind === 'removed' ? html`<span class="muted">(absent)</span>` : jsonBlock(change.after)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>
    <div data-testid="state">
      <h2>State after it</h2>
      ${jsonBlock(step.state)}
    </div>
  </div>`;
}
