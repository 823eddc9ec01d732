import type { Kysely } from 'kysely';
import type { ReadModels } from './read-models';

/** A message for a trader. */
export interface Notification {
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly message: string;
}

/** The sender could not deliver this time. */
export class SendFailedError extends Error {
  readonly code = 'TRADING_SEND_FAILED';
}

/**
 * A stand-in for a messaging service that is slow and fails now and then. Whether an attempt fails depends
 * only on the message and the attempt number, so runs are repeatable: most messages go through
 * at once, some after a retry, and a few never (they end in the dead letters). Delivered
 * messages are recorded once per idempotency key, as a real service would deduplicate them.
 */
export class FlakySender {
  constructor(
    private readonly db: Kysely<ReadModels>,
    /** Share of attempts that fail, from 0 to 1. */
    private readonly failureRate = 0.3,
    /** How long the service takes to answer, in milliseconds: slower than the market, on purpose. */
    private readonly latencyMs = 10,
  ) {}

  async send(notification: Notification, attempt: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (unitHash(`${notification.idempotencyKey}:${attempt}`) < this.failureRate) {
      throw new SendFailedError(`notification service unavailable (attempt ${attempt})`);
    }
    await this.db
      .insertInto('notifications')
      .values({ event_id: notification.idempotencyKey, order_id: notification.orderId, message: notification.message, sent_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  }
}

/** A number in [0, 1) from a string, the same every time. */
function unitHash(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  // FNV alone barely mixes the last characters into the high bits; murmur3's finalizer does.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}
