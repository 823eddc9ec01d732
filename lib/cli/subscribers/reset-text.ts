import type { CheckpointMove, SubscriberReset } from '../../subscriptions/operations/subscriber-reset';
import { describeStartPosition } from '../../subscriptions/start-position';

/**
 * What a reset changes (or would change), one line per checkpoint and one for the dead letters it
 * removes.
 *
 * @example
 * ```ts
 * for (const line of resetLines(await operations.planReset('fill-notifier', { to: 'beginning' }))) terminal.err(line);
 * ```
 */
export function resetLines(reset: SubscriberReset): string[] {
  const lines = reset.checkpoints.map((move) => `  ${move.subscriber}: checkpoint ${move.from} -> ${move.to}, ${effectOf(move)}`);
  if (reset.deadLettersRemoved > 0) {
    const letters = reset.deadLettersRemoved === 1 ? '1 dead letter' : `${reset.deadLettersRemoved} dead letters`;
    lines.push(`  ${letters} of events delivered again removed (the events are attempted again)`);
  }
  return lines;
}

/** The reset in a few words, for the question and for messages: `reset 'fill-notifier' to the beginning`. */
export function resetOperation(subscriber: string, reset: Pick<SubscriberReset, 'to'>): string {
  return `reset '${subscriber}' to ${describeStartPosition(reset.to)}`;
}

function effectOf(move: CheckpointMove): string {
  const events = move.events === 1 ? '1 event' : `${move.events} events`;
  if (move.to < move.from) return `${events} of the log delivered again`;
  if (move.to > move.from) return `${events} of the log passed over, never delivered`;
  return 'no change';
}
