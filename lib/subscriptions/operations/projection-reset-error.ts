import { EventfoldError } from '../../errors/eventfold-error';

/**
 * A projection was asked to reset. Its read model already holds what the events it would receive
 * again did to it, so they would be applied twice; a rebuild empties the read model (or builds a
 * fresh copy) and replays the log into it instead.
 *
 * @example
 * ```ts
 * try {
 *   await operations.reset('open-orders', { to: 'beginning' });
 * } catch (error) {
 *   if (error instanceof ProjectionResetError) console.log(`rebuild ${error.subscriber} instead`);
 *   else throw error;
 * }
 * ```
 */
export class ProjectionResetError extends EventfoldError {
  readonly code = 'EVENTFOLD_PROJECTION_RESET';

  constructor(
    /** The projection's name (a segment's, for a projection split into segments). */
    readonly subscriber: string,
  ) {
    super(
      `Cannot reset '${subscriber}': it is a projection, and its read model already holds the events it would receive again, ` +
        `so they would be applied twice. Rebuild it instead (dispatcher.rebuild('${subscriber}'), or eventfold rebuild ${subscriber}), ` +
        'which replays the whole log into an emptied read model.',
    );
  }
}
