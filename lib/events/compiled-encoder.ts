import { TransformationType } from 'class-transformer';
import { defaultOptions } from 'class-transformer/cjs/constants/default-options.constant';
import type { ClassShape, ShapedField } from './class-shape';
import { isExactNumber, MAX_NESTING_DEPTH } from './exact-json';
import { HAND_OVER, type HandOver } from './hand-over';
import { MAX_LAYOUTS } from './layout-decoder';
import { compileEncodeLayout, type LayoutEncodeSteps } from './layout-encoder';
import { mayHoldUnstorableCharacter } from './storable-text';

/**
 * What class-transformer's `instanceToPlain` makes of `event`, an instance of the class `shape`
 * was read from, made in one pass over it: Dates become their ISO strings (what `JSON.stringify`
 * writes for the Date `instanceToPlain` returns), nested classes plain objects, JSON data is
 * taken as it is. `JSON.stringify` of the result is the payload text.
 *
 * Answers {@link HAND_OVER} instead wherever the faithful path could answer otherwise: a value
 * the exact-JSON checks would look at twice (text with a NUL or a surrogate, NaN, -0, a hole,
 * a Date where none is declared, a Map, a class instance where none is declared, a key named
 * like a member, nesting beyond MAX_NESTING_DEPTH), or anything that throws.
 *
 * @example
 * ```ts
 * // `shape`: what readClassShape(OrderPlaced) read.
 * const encodePlaced = (shape: Parameters<typeof encodeByShape>[0]) => JSON.stringify(encodeByShape(shape, placed));
 * // '{"orderId":"o-1",...,"placedAt":"1970-01-01T00:00:00.000Z"}'
 * ```
 */
export function encodeByShape(shape: ClassShape, event: object): Record<string, unknown> | HandOver {
  try {
    return encodeInstance(shape, event, 1);
  } catch {
    // A getter or a @Transform that threw: class-transformer's path reports it as it always has.
    return HAND_OVER;
  }
}

/** `level`: how deep `value` sits, the event being 1, as the exact-JSON checks count. */
function encodeInstance(shape: ClassShape, value: object, level: number): Record<string, unknown> | HandOver {
  if (level > MAX_NESTING_DEPTH || Object.getPrototypeOf(value) !== shape.prototype) return HAND_OVER;
  const keys = Object.keys(value);
  for (const layout of shape.encodeLayouts) {
    const plain = layout(value, keys, level);
    if (plain !== undefined) return plain;
  }
  const plain = encodeKeyByKey(shape, value, keys, level);
  // An instance encoded key by key teaches the shape its layout, up to MAX_LAYOUTS of them.
  if (plain !== HAND_OVER && shape.encodeLayouts.length < MAX_LAYOUTS) {
    const layout = compileEncodeLayout(shape, keys, LAYOUT_STEPS);
    if (layout) shape.encodeLayouts.push(layout);
  }
  return plain;
}

function encodeKeyByKey(shape: ClassShape, value: object, keys: readonly string[], level: number): Record<string, unknown> | HandOver {
  const { prototype, fields } = shape;
  const record = value as Record<string, unknown>;
  const plain: Record<string, unknown> = {};
  for (const key of keys) {
    // `in` covers `__proto__`, `constructor` and every member, the keys class-transformer skips
    // or the checks refuse; nearly always false, it costs less than telling them apart.
    if (key in prototype || mayHoldUnstorableCharacter(key)) return HAND_OVER;
    const item = record[key];
    const field = fields.get(key);
    const encoded = field === undefined ? (item === undefined ? undefined : encodeData(item, level + 1)) : encodeField(field, record, key, item, level + 1);
    if (encoded === HAND_OVER) return HAND_OVER;
    // JSON leaves out a field that is undefined, as the plain object would hold it.
    if (encoded !== undefined) plain[key] = encoded;
  }
  return plain;
}

function encodeField(field: ShapedField, owner: object, key: string, item: unknown, level: number): unknown {
  // class-transformer calls a field that holds a function and stores what it returns.
  if (item instanceof Function) return HAND_OVER;
  let value = item;
  for (const transform of field.toPlain) value = transform({ value, key, obj: owner, type: TransformationType.CLASS_TO_PLAIN, options: { ...defaultOptions } });
  if (value === undefined) return undefined;
  switch (field.type.kind) {
    case 'date':
      return encodeDates(value, level);
    case 'class':
      return encodeInstances(field.type.shape, value, level);
    default:
      return encodeData(value, level);
  }
}

function encodeDates(value: unknown, level: number): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return encodeArray(value, level, encodeDates);
  // Any other value class-transformer would make a Date of (a string, a number) is left to it.
  if (level > MAX_NESTING_DEPTH || typeof value !== 'object' || Object.getPrototypeOf(value) !== Date.prototype) return HAND_OVER;
  const date = value as Date;
  return Number.isNaN(date.getTime()) ? HAND_OVER : date.toISOString();
}

function encodeInstances(shape: ClassShape, value: unknown, level: number): unknown {
  if (value === null || typeof value !== 'object') return encodeData(value, level);
  if (Array.isArray(value)) return encodeArray(value, level, (item, itemLevel) => encodeInstances(shape, item, itemLevel));
  return encodeInstance(shape, value, level);
}

function encodeArray(array: readonly unknown[], level: number, encodeItem: (item: unknown, level: number) => unknown): unknown[] | HandOver {
  if (level > MAX_NESTING_DEPTH) return HAND_OVER;
  const encoded = new Array<unknown>(array.length);
  for (let index = 0; index < array.length; index++) {
    if (!(index in array)) return HAND_OVER;
    const item = array[index];
    if (item === undefined) return HAND_OVER;
    const value = encodeItem(item, level + 1);
    if (value === HAND_OVER) return HAND_OVER;
    encoded[index] = value;
  }
  return encoded;
}

/**
 * JSON data in a field class-transformer does not convert: taken as it is when every part of it
 * is what the exact-JSON checks let through at first sight, since class-transformer's copy of it
 * would be written as the same text.
 */
function encodeData(value: unknown, level: number): unknown {
  switch (typeof value) {
    case 'string':
      return mayHoldUnstorableCharacter(value) ? HAND_OVER : value;
    case 'number':
      return isExactNumber(value) ? value : HAND_OVER;
    case 'boolean':
      return value;
    case 'object':
      return value === null || isPlainData(value, level) ? value : HAND_OVER;
    default:
      return HAND_OVER;
  }
}

function isPlainData(value: object, level: number): boolean {
  if (level > MAX_NESTING_DEPTH) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Array.prototype) {
    const array = value as unknown[];
    for (let index = 0; index < array.length; index++) {
      if (!(index in array)) return false;
      const item = array[index];
      if (item === undefined || encodeData(item, level + 1) === HAND_OVER) return false;
    }
    return true;
  }
  if (prototype !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key in Object.prototype || mayHoldUnstorableCharacter(key)) return false;
    const item = record[key];
    if (item !== undefined && encodeData(item, level + 1) === HAND_OVER) return false;
  }
  return true;
}

const LAYOUT_STEPS: LayoutEncodeSteps = { encodeData, encodeField };
