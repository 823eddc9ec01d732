import type { ClassShape, ShapedField } from './class-shape';
import { HAND_OVER, type HandOver } from './hand-over';

/**
 * Decodes the payloads of one class whose keys come in one order (a layout), as straight-line
 * code: a key read and a field set per stored field, by name. Answers `undefined` for a payload
 * of another layout, which then takes the general path.
 */
export type LayoutDecoder = (payload: Record<string, unknown>, keys: readonly string[]) => object | HandOver | undefined;

/** The steps a layout decoder calls, from the general decoder (passed in to keep imports one way). */
export interface LayoutSteps {
  readonly decodeData: (item: unknown) => unknown;
  readonly decodeField: (field: ShapedField, payload: Record<string, unknown>, key: string, item: unknown) => unknown;
}

/** Layouts learnt per class: a class's payloads rarely come in more (optional fields left out, say). */
export const MAX_LAYOUTS = 4;
/** A payload with more keys than this is not worth a layout of its own. */
const MAX_LAYOUT_KEYS = 64;

/**
 * Compiles the decoder for payloads of `shape` with exactly `keys`, in that order: what the
 * general decoder does for each key, with the key as a constant, so that the engine reads and
 * sets the fields as it does in hand-written code. Keys that the general decoder treats apart
 * (`__proto__`, `constructor`) get no layout.
 *
 * The code does the general decoder's checks, in its order: a key named like a member of the
 * prototype hands the payload over (the prototype may have changed since), a field the
 * constructor set to a function is left in place, and a value that is no plain JSON hands the
 * payload over.
 *
 * @example
 * ```ts
 * // `shape`: what readClassShape(OrderPlaced) read; `steps`: the general decoder's.
 * const decodePlaced = (shape: Parameters<typeof compileLayout>[0], steps: LayoutSteps) => {
 *   const decode = compileLayout(shape, ['orderId', 'placedAt'], steps);
 *   return decode?.({ orderId: 'o-1', placedAt: '2026-01-01T00:00:00.000Z' }, ['orderId', 'placedAt']); // OrderPlaced
 * };
 * ```
 */
export function compileLayout(shape: ClassShape, keys: readonly string[], steps: LayoutSteps): LayoutDecoder | undefined {
  if (keys.length > MAX_LAYOUT_KEYS || keys.some((key) => key === '__proto__' || key === 'constructor')) return undefined;
  const literals = keys.map((key) => JSON.stringify(key));
  const fields = keys.map((key) => shape.fields.get(key));
  const matches = [`keys.length === ${keys.length}`, ...literals.map((literal, index) => `keys[${index}] === ${literal}`)].join(' && ');
  const members = literals.map((literal) => `${literal} in prototype`).join(' || ') || 'false';
  const assignments = literals.map((literal, index) => {
    const decode = fields[index] === undefined ? `decodeData(payload[${literal}])` : `decodeField(fields[${index}], payload, ${literal}, payload[${literal}])`;
    return `if (!(instance[${literal}] instanceof Function)) {
      value = ${decode};
      if (value === HAND_OVER) return HAND_OVER;
      instance[${literal}] = value;
    }`;
  });
  const body = `"use strict";
    return function decodeLayout(payload, keys) {
      if (!(${matches})) return undefined;
      if (${members}) return HAND_OVER;
      const instance = new Type();
      let value;
      ${assignments.join('\n')}
      return instance;
    };`;
  // Code generated from the class's own keys, each written as a JSON string literal: nothing
  // stored reaches the code but through those literals.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling the layout is the point: it runs as fast as hand-written code
  const build = new Function('Type', 'prototype', 'HAND_OVER', 'decodeData', 'decodeField', 'fields', body) as (...deps: unknown[]) => LayoutDecoder;
  return build(shape.type, shape.prototype, HAND_OVER, steps.decodeData, steps.decodeField, fields);
}
