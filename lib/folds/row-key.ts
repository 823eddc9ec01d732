import { describeValue } from '../store/describe-value';
import type { FoldKey, FoldKeyPart } from './fold-options';

/**
 * One string per row key, for keeping rows in a map: a key read back from the database (`5`, or
 * `'5'` from a PostgreSQL bigint) finds the row a fold produced for the key `5`.
 */
export function rowKeyText(parts: readonly unknown[]): string {
  return parts.length === 1 ? String(parts[0]) : parts.map(String).join('\u0000');
}

/** The parts of `key` for `columns` key columns, or a sentence saying what is wrong with it. */
export function keyParts(key: FoldKey, columns: readonly string[]): readonly FoldKeyPart[] | string {
  const parts = columns.length === 1 && !Array.isArray(key) ? [key] : key;
  if (!Array.isArray(parts) || parts.length !== columns.length) {
    return columns.length === 1
      ? `its key must be one value for column ${columns[0]}, got ${describeValue(key)}.`
      : `its key must be an array of ${columns.length} values, for columns ${columns.join(', ')}; got ${describeValue(key)}.`;
  }
  for (const [index, part] of (parts as unknown[]).entries()) {
    const valid = typeof part === 'string' || typeof part === 'bigint' || (typeof part === 'number' && Number.isFinite(part));
    if (!valid) return `the key value for column ${columns[index]} must be a string, a finite number or a bigint; got ${describeValue(part)}.`;
  }
  return parts as readonly FoldKeyPart[];
}
