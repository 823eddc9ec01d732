/**
 * A duration for people: `40 ms`, `1.4 s`, `12 s`, `3 min 20 s`, `2 h 5 min`.
 *
 * @example
 * ```ts
 * formatDuration(200_000); // '3 min 20 s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A rate for people: `1520 events/s`, `3.5 events/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '? events/s';
  return `${perSecond >= 100 ? Math.round(perSecond) : perSecond.toFixed(1)} events/s`;
}
