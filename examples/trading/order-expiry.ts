import { On, OnDeadline, ProcessManager, type ProcessContext } from '../../lib';
import { OrderCancelled, OrderFilled, OrderPlaced } from './events';
import { Order } from './order';

/** How long an order may wait for fills unless the run says otherwise: 1 s, so that a run of the example shows expiries. */
export const DEFAULT_EXPIRE_AFTER_MS = 1000;

/** The reason an expired order is cancelled with. */
export const EXPIRED = 'expired';

/** What an order's instance remembers between its steps. */
export interface ExpiringOrder {
  readonly market: string;
}

/**
 * Cancels what is left of a limit order that is still open `expireAfterMs` after it was placed:
 * one instance per order, started by `OrderPlaced`, which schedules the `expire` deadline. A fill
 * that completes the order, or a cancel, ends the instance, and ending cancels the deadline, so it
 * never fires for an order that can no longer trade.
 *
 * The deadline's step cancels the order through the repository, in the transaction that also
 * removes the deadline, so an order is cancelled once however often the step is retried. The
 * order may have been filled or cancelled meanwhile by events this process manager has not
 * reached yet: it is loaded, not assumed open, and is then left as it is.
 */
@ProcessManager('order-expiry', { correlationKey: 'orderId' })
export class OrderExpiry {
  constructor(private readonly expireAfterMs = DEFAULT_EXPIRE_AFTER_MS) {}

  @On(OrderPlaced)
  placed(event: OrderPlaced, process: ProcessContext<ExpiringOrder>): void {
    process.state = { market: event.market };
    process.schedule('expire', { afterMs: this.expireAfterMs });
  }

  @On(OrderFilled)
  filled(event: OrderFilled, process: ProcessContext<ExpiringOrder>): void {
    if (process.state && event.remaining === 0) process.end();
  }

  @On(OrderCancelled)
  cancelled(_event: OrderCancelled, process: ProcessContext<ExpiringOrder>): void {
    if (process.state) process.end();
  }

  @OnDeadline('expire')
  async expire(_payload: unknown, process: ProcessContext<ExpiringOrder>): Promise<void> {
    const orders = process.store.repository(Order);
    const order = await orders.load(process.key);
    if (order.isOpen) {
      order.cancel(EXPIRED);
      await orders.save(order, { metadata: process.causation });
    }
    process.end();
  }
}
