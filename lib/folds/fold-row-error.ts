import { EventfoldError } from '../errors/eventfold-error';

/**
 * A fold projection produced something it cannot store: a key of the wrong shape, a row that is
 * not an object, a row whose key columns disagree with its key, a value the database cannot hold,
 * or a fold method that returned a promise. Thrown while the projection handles `position`, so it
 * is retried and then parked or halted like any failure of a projection.
 */
export class FoldRowError extends EventfoldError {
  readonly code = 'EVENTFOLD_FOLD_ROW';

  constructor(
    /** The fold projection. */
    readonly projection: string,
    /** Position of the event being folded. */
    readonly position: number,
    problem: string,
  ) {
    super(`Fold projection '${projection}' at position ${position}: ${problem}`);
  }
}
