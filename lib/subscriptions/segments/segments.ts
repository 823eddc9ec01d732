/** Where one segment of a subscriber split by stream stands among the others. */
export interface Segment {
  /** The subscriber's own name, as declared. */
  readonly subscriber: string;
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

/** The most segments a subscriber may be split into. */
export const MAX_SEGMENTS = 1024;

/**
 * Which of `count` segments a stream belongs to. A 32-bit FNV-1a hash of the stream's type and
 * id: every process computes the same segment for a stream, and streams spread evenly.
 *
 * @example
 * ```ts
 * segmentOfStream('Order', 'o-1', 4); // 0, 1, 2 or 3, the same in every process
 * ```
 */
export function segmentOfStream(streamType: string, streamId: string, count: number): number {
  let hash = 0x811c9dc5;
  const key = `${streamType}\u0000${streamId}`;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/**
 * The name a segment's checkpoint, lease and dead letters are kept under: the subscriber's name
 * followed by `[n/count]`, counting from 1, e.g. `open-orders[2/4]`.
 */
export function segmentName(segment: Segment): string {
  return `${segment.subscriber}[${segment.index + 1}/${segment.count}]`;
}

/** The segment a stored subscription name stands for, or undefined for an unsplit subscriber. */
export function parseSegmentName(name: string): Segment | undefined {
  const [, subscriber, indexText, countText] = /^(.*)\[(\d+)\/(\d+)\]$/.exec(name) ?? [];
  if (subscriber === undefined) return undefined;
  const index = Number(indexText) - 1;
  const count = Number(countText);
  if (!(count >= 1 && index >= 0 && index < count)) return undefined;
  return { subscriber, index, count };
}
