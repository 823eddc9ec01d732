import { TransformationType } from 'class-transformer';
import { defaultOptions } from 'class-transformer/cjs/constants/default-options.constant';
import type { ClassShape, ShapedField } from './class-shape';
import { HAND_OVER, type HandOver } from './hand-over';
import { MAX_LAYOUTS, compileLayout, type LayoutSteps } from './layout-decoder';

/**
 * What class-transformer's `plainToInstance` builds from a parsed payload, built in one pass
 * over it: a new instance of the class (its constructor called without arguments, as
 * class-transformer calls it), each stored field set on it, Dates and nested classes built where
 * `@Type` declares them. JSON data in other fields is kept as parsed rather than copied, which
 * gives equal values.
 *
 * Answers {@link HAND_OVER} wherever class-transformer would do something else: a key it skips
 * or treats apart (named like a member of the class or of `Object.prototype`, or `constructor`
 * in a nested object), a value JSON does not produce (an upcaster may return anything), an array
 * where the field's reflected type is not an array, or anything that throws.
 *
 * @example
 * ```ts
 * // `shape`: what readClassShape(OrderPlaced) read.
 * const decodePlaced = (shape: Parameters<typeof decodeByShape>[0]) =>
 *   decodeByShape(shape, { orderId: 'o-1', placedAt: '1970-01-01T00:00:00.000Z' }); // OrderPlaced { ..., placedAt: Date }
 * ```
 */
export function decodeByShape(shape: ClassShape, payload: Record<string, unknown>): object | HandOver {
  try {
    return Object.getPrototypeOf(payload) === Object.prototype ? decodeInstance(shape, payload) : HAND_OVER;
  } catch {
    // A constructor or a @Transform that threw: class-transformer's path throws it again, and
    // the caller reports it as it always has.
    return HAND_OVER;
  }
}

/**
 * Decodes by the compiled layout of the payload's keys, or else key by key; a payload decoded
 * key by key teaches the shape its layout, up to MAX_LAYOUTS of them.
 */
function decodeInstance(shape: ClassShape, payload: Record<string, unknown>): object | HandOver {
  const keys = Object.keys(payload);
  for (const layout of shape.layouts) {
    const decoded = layout(payload, keys);
    if (decoded !== undefined) return decoded;
  }
  const decoded = decodeKeyByKey(shape, payload, keys);
  if (decoded !== HAND_OVER && shape.layouts.length < MAX_LAYOUTS) {
    const layout = compileLayout(shape, keys, LAYOUT_STEPS);
    if (layout) shape.layouts.push(layout);
  }
  return decoded;
}

function decodeKeyByKey(shape: ClassShape, payload: Record<string, unknown>, keys: readonly string[]): object | HandOver {
  const instance = new shape.type() as Record<string, unknown>;
  const { prototype, fields } = shape;
  for (const key of keys) {
    if (key === '__proto__' || key === 'constructor') continue;
    // class-transformer skips (or fails on) a key named like a member; rare enough to leave to it.
    if (key in prototype) return HAND_OVER;
    // It also leaves in place a field the constructor set to a function.
    if (instance[key] instanceof Function) continue;
    const item = payload[key];
    const field = fields.get(key);
    const value = field === undefined ? decodeData(item) : decodeField(field, payload, key, item);
    if (value === HAND_OVER) return HAND_OVER;
    instance[key] = value;
  }
  return instance;
}

function decodeField(field: ShapedField, payload: Record<string, unknown>, key: string, item: unknown): unknown {
  let value: unknown;
  switch (field.type.kind) {
    case 'date':
      value = decodeDates(item, field.readsArrays);
      break;
    case 'class':
      value = decodeInstances(field.type.shape, item, field.readsArrays);
      break;
    default:
      value = decodeData(item);
  }
  if (value === HAND_OVER) return HAND_OVER;
  for (const transform of field.toClass) value = transform({ value, key, obj: payload, type: TransformationType.PLAIN_TO_CLASS, options: { ...defaultOptions } });
  return value;
}

/** `readsArrays`: whether an array here becomes a plain array (see `ShapedField.readsArrays`). */
function decodeDates(item: unknown, readsArrays: boolean): unknown {
  if (Array.isArray(item)) return readsArrays ? decodeArray(item, (element) => decodeDates(element, true)) : HAND_OVER;
  if (item === null || item === undefined) return item;
  if (typeof item === 'object' && Object.getPrototypeOf(item) !== Object.prototype) return HAND_OVER;
  return new Date(item as string);
}

function decodeInstances(shape: ClassShape, item: unknown, readsArrays: boolean): unknown {
  if (Array.isArray(item)) return readsArrays ? decodeArray(item, (element) => decodeInstances(shape, element, true)) : HAND_OVER;
  // A value that is no object is kept as it is stored.
  if (typeof item !== 'object' || item === null) return item;
  if (Object.getPrototypeOf(item) !== Object.prototype) return HAND_OVER;
  return decodeInstance(shape, item as Record<string, unknown>);
}

function decodeArray(array: readonly unknown[], decodeItem: (item: unknown) => unknown): unknown[] | HandOver {
  if (Object.getPrototypeOf(array) !== Array.prototype) return HAND_OVER;
  const decoded = new Array<unknown>(array.length);
  for (let index = 0; index < array.length; index++) {
    if (!(index in array)) return HAND_OVER;
    const value = decodeItem(array[index]);
    if (value === HAND_OVER) return HAND_OVER;
    decoded[index] = value;
  }
  return decoded;
}

/** JSON data in a field class-transformer does not convert: kept as parsed, once it is seen to be plain. */
function decodeData(item: unknown): unknown {
  switch (typeof item) {
    case 'string':
    case 'number':
    case 'boolean':
      return item;
    case 'object':
      return item === null || isParsedData(item) ? item : HAND_OVER;
    default:
      return HAND_OVER;
  }
}

/** Whether class-transformer would copy `value` as it is: JSON arrays and objects, no key it skips. */
function isParsedData(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Array.prototype) {
    const array = value as unknown[];
    for (let index = 0; index < array.length; index++) {
      if (!(index in array) || decodeData(array[index]) === HAND_OVER) return false;
    }
    return true;
  }
  if (prototype !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key in Object.prototype || decodeData(record[key]) === HAND_OVER) return false;
  }
  return true;
}

const LAYOUT_STEPS: LayoutSteps = { decodeData, decodeField };
