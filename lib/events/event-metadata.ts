/** A value that survives a JSON round trip unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Metadata stored beside each event: who or what caused it. `correlationId` ties together every
 * event of one business transaction; `causationId` names the message (command or event) that
 * directly caused this one. Any other JSON fields may be added (user id, tenant, source).
 *
 * @example
 * ```ts
 * await orders.save(order, { metadata: { correlationId: request.id, userId: 'u-7' } });
 * ```
 */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /**
   * Delivery priority of this one event, over its class's `@DomainEvent` priority: where an
   * event handler has events of several streams ready, higher goes first.
   */
  priority?: number;
  [field: string]: JsonValue | undefined;
}
