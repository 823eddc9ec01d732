import { checkTimeoutMs } from '../validation/timer-delay';
import { checkWholeNumber } from '../validation/whole-number';
import { NotReadableError } from './not-readable-error';
import { optionsObject } from './options-object';

/** Options of {@link EventStore.waitForReadable}. */
export interface WaitForReadableOptions {
  /** The position to wait for. Defaults to the last event committed when the wait began. */
  readonly position?: number;
  /** How long to wait before giving up with a {@link NotReadableError}. Defaults to 30,000 ms. */
  readonly timeoutMs?: number;
}

/** The longest pause between two looks at the readable head. */
const MAX_PAUSE_MS = 50;

/** The readable head of the log and its last committed position. */
export type LogHorizon = { readonly readable: number; readonly latest: number };

/**
 * Resolves once the readable head reaches the position the options name (the last committed
 * one, when they name none), looking again after 1 ms, then after twice as long each time up to
 * 50 ms: the transactions that hold an event back usually end within milliseconds.
 *
 * @example
 * ```ts
 * await waitForReadable(async () => ({ readable: 42, latest: 45 }), { position: 42, timeoutMs: 5000 });
 * ```
 */
export async function waitForReadable(readHorizon: () => Promise<LogHorizon>, options: WaitForReadableOptions | undefined): Promise<void> {
  const { position: given, timeoutMs: givenTimeout } = optionsObject(options);
  if (given !== undefined) checkWholeNumber(given, 'options.position');
  const timeoutMs = checkTimeoutMs(givenTimeout, 'options.timeoutMs', 30_000);
  const deadline = Date.now() + timeoutMs;
  let position = given;
  for (let pause = 1; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    const { readable, latest } = await readHorizon();
    position ??= latest;
    if (readable >= position) return;
    if (Date.now() >= deadline) throw new NotReadableError(position, readable, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, deadline - Date.now())));
  }
}
