import { parseSegmentName } from '../segments/segments';
import { UnknownSubscriberError } from '../subscriber-errors';

/**
 * The stored names a subscriber name stands for: a segment's name or an unsplit subscriber's
 * stands for itself, and the name of a subscriber split into segments for all of its segments
 * (and its own row too, where one is left from before it was split).
 *
 * @throws {@link UnknownSubscriberError} when `stored` holds neither, naming the subscribers it holds.
 *
 * @example
 * ```ts
 * storedNamesOf('open-orders', ['open-orders[1/2]', 'open-orders[2/2]', 'mailer']); // both segments
 * ```
 */
export function storedNamesOf(name: string, stored: readonly string[]): string[] {
  const names = stored.filter((candidate) => candidate === name || parseSegmentName(candidate)?.subscriber === name);
  if (names.length === 0) throw new UnknownSubscriberError(name, knownNames(stored));
  return [...new Set(names)].sort();
}

/** Every stored name, and the name of each subscriber split into segments, sorted. */
function knownNames(stored: readonly string[]): string[] {
  const known = new Set<string>();
  for (const name of stored) {
    known.add(name);
    const segment = parseSegmentName(name);
    if (segment) known.add(segment.subscriber);
  }
  return [...known].sort();
}
