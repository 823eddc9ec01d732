import { html } from 'hono/html';
import type { Html } from '../pages/page-frame';
import type { LagSample } from './lag-history';

const WIDTH = 120;
const HEIGHT = 24;

/**
 * A small line chart of lag over time, drawn as inline SVG on the server: a chart this small
 * needs no library and no script. The line's top is the highest lag shown, named in its title.
 */
export function sparkline(samples: readonly LagSample[]): Html {
  const highest = Math.max(1, ...samples.map((sample) => sample.lag));
  const step = samples.length > 1 ? WIDTH / (samples.length - 1) : 0;
  const points = samples.map((sample, index) => `${(index * step).toFixed(1)},${(HEIGHT - 1 - (sample.lag / highest) * (HEIGHT - 2)).toFixed(1)}`).join(' ');
  const title = samples.length === 0 ? 'no readings yet' : `lag over the last ${samples.length} readings; highest ${highest}`;
  return html`<svg class="sparkline" data-testid="lag-chart" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}">
    <title>${title}</title>
    ${samples.length > 1 ? html`<polyline points="${points}"></polyline>` : ''}
  </svg>`;
}
