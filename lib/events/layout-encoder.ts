import type { ClassShape, ShapedField } from './class-shape';
import { HAND_OVER, type HandOver } from './hand-over';

/**
 * Encodes the instances of one class whose own keys come in one order (a layout), as
 * straight-line code: a field read per key, by name, and the plain object built as one object
 * literal, which `JSON.stringify` writes fastest. Answers `undefined` for an instance of another
 * layout, which then takes the general path.
 */
export type LayoutEncoder = (value: object, keys: readonly string[], level: number) => Record<string, unknown> | HandOver | undefined;

/** The steps a layout encoder calls, from the general encoder (passed in to keep imports one way). */
export interface LayoutEncodeSteps {
  readonly encodeData: (value: unknown, level: number) => unknown;
  readonly encodeField: (field: ShapedField, owner: object, key: string, item: unknown, level: number) => unknown;
}

/** An instance with more keys than this is not worth a layout of its own. */
const MAX_LAYOUT_KEYS = 64;

/**
 * Compiles the encoder for instances of `shape` with exactly `keys` as own keys, in that order.
 * It is compiled only from keys the general encoder has just encoded, so each key was checked
 * to be storable text; what it does per key is what the general encoder does: a key named like
 * a member of the prototype hands the event over (the prototype may have changed since), a
 * field left undefined is left out of the text, and every value is checked the same way.
 *
 * @example
 * ```ts
 * // `shape`: what readClassShape(OrderPlaced) read; `steps`: the general encoder's.
 * const encodePlaced = (shape: Parameters<typeof compileEncodeLayout>[0], steps: LayoutEncodeSteps) => {
 *   const encode = compileEncodeLayout(shape, ['orderId', 'placedAt'], steps);
 *   return encode?.(placed, Object.keys(placed), 1); // { orderId: 'o-1', placedAt: '1970-...' } for a placed of that layout
 * };
 * ```
 */
export function compileEncodeLayout(shape: ClassShape, keys: readonly string[], steps: LayoutEncodeSteps): LayoutEncoder | undefined {
  // An object literal would take `__proto__` for the prototype: no layout holds that key.
  if (keys.length > MAX_LAYOUT_KEYS || keys.includes('__proto__')) return undefined;
  const literals = keys.map((key) => JSON.stringify(key));
  const fields = keys.map((key) => shape.fields.get(key));
  const matches = [`keys.length === ${keys.length}`, ...literals.map((literal, index) => `keys[${index}] === ${literal}`)].join(' && ');
  const members = literals.map((literal) => `${literal} in prototype`).join(' || ') || 'false';
  const reads = literals.map((literal, index) =>
    fields[index] === undefined
      ? `let v${index} = value[${literal}];
      if (v${index} !== undefined && (v${index} = encodeData(v${index}, level + 1)) === HAND_OVER) return HAND_OVER;`
      : `const v${index} = encodeField(fields[${index}], value, ${literal}, value[${literal}], level + 1);
      if (v${index} === HAND_OVER) return HAND_OVER;`,
  );
  const properties = literals.map((literal, index) => `${literal}: v${index}`).join(', ');
  const body = `"use strict";
    return function encodeLayout(value, keys, level) {
      if (!(${matches})) return undefined;
      if (${members}) return HAND_OVER;
      ${reads.join('\n')}
      return { ${properties} };
    };`;
  // Code generated from the class's own keys, each written as a JSON string literal: nothing
  // an event holds reaches the code but through those literals.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling the layout is the point: it runs as fast as hand-written code
  const build = new Function('prototype', 'HAND_OVER', 'encodeData', 'encodeField', 'fields', body) as (...deps: unknown[]) => LayoutEncoder;
  return build(shape.prototype, HAND_OVER, steps.encodeData, steps.encodeField, fields);
}
