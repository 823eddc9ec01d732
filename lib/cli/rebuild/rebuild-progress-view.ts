import { SingleBar } from 'cli-progress';
import type { RebuildProgress } from '../../subscriptions/projection-rebuild';
import { formatDuration, formatRate } from '../output/duration';
import type { Terminal } from '../output/terminal';

/** How often a progress line is written when stderr is not a terminal, in milliseconds. */
const LINE_INTERVAL_MS = 1000;

/** Shows how far a rebuild has come. */
export interface RebuildProgressView {
  update(progress: RebuildProgress): void;
  /** Draws the final state and lets go of the terminal. */
  finish(progress?: RebuildProgress): void;
}

/**
 * On a terminal, a progress bar on stderr (done/total, rate, time left) drawn with cli-progress;
 * elsewhere (a pipe, a CI log) a plain line on stderr about once a second and one at the end,
 * since a bar redrawn in place would only fill the log with control characters.
 *
 * @example
 * ```ts
 * const view = rebuildProgressView(terminal, 'open-orders');
 * const result = await dispatcher.rebuild('open-orders', { onProgress: (progress) => view.update(progress) });
 * view.finish(result);
 * ```
 */
export function rebuildProgressView(terminal: Terminal, projection: string): RebuildProgressView {
  return terminal.stderr.isTTY ? barView(terminal, projection) : lineView(terminal, projection);
}

function barView(terminal: Terminal, projection: string): RebuildProgressView {
  const { errorColors: colors } = terminal;
  const bar = new SingleBar({
    stream: terminal.stderr,
    format: `${projection} ${colors.cyan('{bar}')} {value}/{total} events | {rate} | {left} left`,
    barCompleteChar: '\u2588',
    barIncompleteChar: '\u2591',
    // Ctrl-C ends the process at once (see docs/cli.md), so the cursor is never hidden.
    hideCursor: false,
    barsize: 30,
  });
  let started = false;
  const draw = (progress: RebuildProgress) => {
    const payload = progress.rate > 0 ? { rate: formatRate(progress.rate), left: formatDuration(progress.etaMs) } : { rate: '? events/s', left: '?' };
    if (!started) {
      bar.start(progress.total, progress.done, payload);
      started = true;
    } else {
      bar.setTotal(progress.total);
      bar.update(progress.done, payload);
    }
  };
  return {
    update: draw,
    finish(progress) {
      if (progress) draw(progress);
      if (started) bar.stop();
    },
  };
}

function lineView(terminal: Terminal, projection: string): RebuildProgressView {
  let lastLine = Date.now();
  return {
    update(progress) {
      const now = Date.now();
      if (now - lastLine < LINE_INTERVAL_MS) return;
      lastLine = now;
      const pace = progress.rate > 0 ? `, ${formatRate(progress.rate)}, ${formatDuration(progress.etaMs)} left` : '';
      terminal.err(`${projection}: ${progress.done}/${progress.total} events${pace}`);
    },
    finish(progress) {
      if (progress) terminal.err(`${projection}: ${progress.done}/${progress.total} events, ${formatRate(progress.rate)}`);
    },
  };
}
