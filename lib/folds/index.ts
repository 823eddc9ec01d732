export { Fold, FoldProjection, type FoldKeyOf } from './fold.decorators';
export type { FoldContext, FoldKey, FoldKeyPart, FoldProjectionOptions, FoldRow, FoldTable } from './fold-options';
export { FoldRowError } from './fold-row-error';
