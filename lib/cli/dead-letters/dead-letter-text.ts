import type { Colors } from 'picocolors/types.js';
import type { DeadLetter } from '../../subscriptions/dead-letter-store';
import { formatTable } from '../output/table';

/**
 * Dead letters as a table, oldest first; the error message comes last so that it can run long.
 *
 * @example
 * ```text
 * ID  SUBSCRIBER     POSITION  EVENT        STREAM     ATTEMPTS  FAILED AT                 ERROR
 * 1   fill-notifier        12  OrderFilled  Order o-3         3  2026-01-01T09:00:00.000Z  mail server down
 * ```
 */
export function formatDeadLetters(letters: readonly DeadLetter[], colors: Colors): string[] {
  return formatTable(
    [
      { header: 'ID', align: 'right', style: (cell) => colors.bold(cell) },
      { header: 'SUBSCRIBER' },
      { header: 'POSITION', align: 'right' },
      { header: 'EVENT', style: (cell) => colors.cyan(cell) },
      { header: 'STREAM' },
      { header: 'ATTEMPTS', align: 'right' },
      { header: 'FAILED AT' },
      { header: 'ERROR', style: (cell) => colors.red(cell) },
    ],
    letters.map((letter) => [
      String(letter.id),
      letter.subscriber,
      String(letter.position),
      letter.eventType,
      `${letter.streamType} ${letter.streamId}`,
      String(letter.attempts),
      letter.failedAt.toISOString(),
      firstLine(letter.errorMessage),
    ]),
    colors.bold,
  );
}

/** How one dead letter is named in messages: `3 (fill-notifier, position 12, OrderFilled)`. */
export function describeDeadLetter(letter: DeadLetter): string {
  return `${letter.id} (${letter.subscriber}, position ${letter.position}, ${letter.eventType})`;
}

function firstLine(text: string): string {
  const first = text.split('\n', 1)[0] ?? '';
  return first.length < text.length ? `${first} ...` : first;
}
