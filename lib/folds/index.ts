export { Fold, FoldProjection, type FoldKeyOf, type FoldKeysOf } from './fold.decorators';
export type { FoldContext, FoldKey, FoldKeyPart, FoldProjectionOptions, FoldRow, FoldTable } from './fold-options';
export { FoldRowError } from './fold-row-error';
