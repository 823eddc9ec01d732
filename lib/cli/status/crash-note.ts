import type { CrashView } from '../../inspection/subscriber-status';

/**
 * The note `eventfold status` prints under its table for a subscriber whose last process left
 * an attempt unfinished.
 *
 * @example
 * ```ts
 * crashNote('fill-notifier', { position: 12, unfinishedAttempts: 2, gaveUp: false });
 * // 'fill-notifier: 2 attempts at the event at position 12 never finished (the process stopped during them)'
 * ```
 */
export function crashNote(name: string, crash: CrashView): string {
  const attempts = crash.unfinishedAttempts === 1 ? '1 attempt' : `${crash.unfinishedAttempts} attempts`;
  const during = crash.unfinishedAttempts === 1 ? 'it' : 'them';
  const gaveUp = crash.gaveUp ? '; it gave up on the event and halts on it until it is retried, discarded or resumed' : '';
  return `${name}: ${attempts} at the event at position ${crash.position} never finished (the process stopped during ${during})${gaveUp}`;
}
