/** An error's message for a sentence of ours: its name when the message is empty, without a closing full stop. */
export function errorMessageOf(error: unknown): string {
  return (error instanceof Error ? error.message || error.name : String(error)).replace(/\.$/, '');
}

/**
 * Why a subscriber halted, in the one wording its runner, the operations API and `eventfold
 * status` all show.
 *
 * @example
 * ```ts
 * haltReason(12, 'OrderFilled', 'mail server down.'); // 'event at position 12 (OrderFilled) failed: mail server down'
 * ```
 */
export function haltReason(position: number, eventType: string, message: string): string {
  return `event at position ${position} (${eventType}) failed: ${message.replace(/\.$/, '')}`;
}
