export { EventfoldError, isEventfoldError } from './eventfold-error';
export { InvalidArgumentError } from './invalid-argument-error';
