export { EventfoldError, isEventfoldError } from './eventfold-error';
export type { EventfoldErrorCode, EventfoldErrorMap } from './eventfold-error-codes';
export { InvalidArgumentError } from './invalid-argument-error';
