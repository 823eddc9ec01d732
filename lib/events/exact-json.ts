import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { findUnstorableCharacter, mayHoldUnstorableCharacter } from './storable-text';

/**
 * How deeply objects and arrays may nest in an event's payload or in metadata, the event (or the
 * metadata object) itself being level 1. Deeper values are refused with `InvalidArgumentError`:
 * encoding, decoding and class-transformer all recurse, and a limit far from the stack's end
 * keeps a value that is too deep (or a cycle) a clear error instead of a stack overflow.
 *
 * @example
 * ```ts
 * let deep: JsonValue = {};
 * for (let level = 1; level < MAX_NESTING_DEPTH; level++) deep = { deep };
 * await store.append(stream, [event], { metadata: { deep } }); // refused: one level too deep
 * ```
 */
export const MAX_NESTING_DEPTH = 32;

/** A step into a value: an object key or an array index. */
export type PathSegment = string | number;

/**
 * What a value is checked as:
 * - `'metadata'`: plain JSON only; anything else is refused.
 * - `'event'`: an event instance about to be written with `JSON.stringify`; a value that is not
 *   plain (a Date, a Map, a class instance, a function) makes the check answer `false`, so that
 *   the event takes class-transformer's path instead.
 * - `'plain'`: what class-transformer's `instanceToPlain` made of an event; a Date passes only
 *   where `declaresDate` says the event class restores it.
 */
export type ExactJsonMode = 'metadata' | 'event' | 'plain';

/** Options of {@link checkExactJson}. */
export interface ExactJsonOptions {
  readonly mode: ExactJsonMode;
  /** The argument the value was given as (`events[0]`, `options.metadata`): errors name paths under it. */
  readonly argument: string;
  /** The event class name, for messages about payloads. */
  readonly eventName?: string;
  /** In `'plain'` mode: whether the event class reads the Date at `path` back as a Date. */
  readonly declaresDate?: (path: readonly PathSegment[]) => boolean;
}

/**
 * Checks that `value` is made only of what JSON carries exactly, so that reading it back gives
 * what was written: well-formed strings without NUL, finite numbers other than -0, booleans,
 * null, dense arrays, plain objects (whose `undefined` fields are left out, as JSON does) and,
 * in payloads whose class declares them, Dates. Own keys named `__proto__` or `constructor` are
 * data like any other. Anything JSON would change or drop in silence (NaN and infinities become
 * null, -0 becomes 0, holes become null) is refused with an `InvalidArgumentError` naming its
 * path, before anything is written.
 *
 * Returns false only in `'event'` mode, when the value holds something that is not plain JSON
 * and must go through class-transformer first.
 *
 * @example
 * ```ts
 * checkExactJson({ price: NaN }, { mode: 'metadata', argument: 'options.metadata' });
 * // InvalidArgumentError: Invalid options.metadata.price: NaN is not a JSON number ...
 * ```
 */
export function checkExactJson(value: object, options: ExactJsonOptions): boolean {
  const verdict = scanObject(value, options.mode, 1);
  if (verdict === PLAIN) return true;
  if (verdict === NOT_PLAIN) return false;
  return new ExactJsonWalk(options).object(value, 1);
}

/*
 * Two walks. The scan below runs on every append and keeps nothing: no path, no ancestors, no
 * messages. It answers PLAIN or NOT_PLAIN only where the careful walk (ExactJsonWalk) would
 * answer the same, in the same order, and LOOK_CLOSER for anything else: a value the careful
 * walk may refuse, or a Date it has to ask about. The careful walk then decides, and names the
 * path of what it refuses.
 */
const PLAIN = 0;
const NOT_PLAIN = 1;
const LOOK_CLOSER = 2;
type Verdict = typeof PLAIN | typeof NOT_PLAIN | typeof LOOK_CLOSER;

function scanObject(value: object, mode: ExactJsonMode, depth: number): Verdict {
  if (depth > MAX_NESTING_DEPTH) return LOOK_CLOSER;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      if (!(index in value)) return LOOK_CLOSER;
      const item: unknown = value[index];
      if (item === undefined) return LOOK_CLOSER;
      const verdict = scanItem(item, mode, depth);
      if (verdict !== PLAIN) return verdict;
    }
    return PLAIN;
  }
  if (depth > 1 || mode !== 'event') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return mode === 'event' ? NOT_PLAIN : LOOK_CLOSER;
  }
  if (mode === 'event' && 'toJSON' in value) return NOT_PLAIN;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (mayHoldUnstorableCharacter(key)) return LOOK_CLOSER;
    const item = record[key];
    if (item === undefined) continue;
    const verdict = scanItem(item, mode, depth);
    if (verdict !== PLAIN) return verdict;
  }
  return PLAIN;
}

/** Whether JSON writes `value` back as the same number: finite, and not -0 (which it writes as 0). */
export function isExactNumber(value: number): boolean {
  return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
}

function scanItem(value: unknown, mode: ExactJsonMode, depth: number): Verdict {
  switch (typeof value) {
    case 'string':
      return mayHoldUnstorableCharacter(value) ? LOOK_CLOSER : PLAIN;
    case 'number':
      return isExactNumber(value) ? PLAIN : LOOK_CLOSER;
    case 'boolean':
      return PLAIN;
    case 'object':
      return value === null ? PLAIN : scanObject(value, mode, depth + 1);
    case 'function':
      return mode === 'event' ? NOT_PLAIN : LOOK_CLOSER;
    default:
      return LOOK_CLOSER;
  }
}

/** One walk over one value; holds the path to where it is, for the error. */
class ExactJsonWalk {
  private readonly path: PathSegment[] = [];
  private readonly ancestors: object[] = [];

  constructor(private readonly options: ExactJsonOptions) {}

  object(value: object, depth: number): boolean {
    if (depth > MAX_NESTING_DEPTH) this.refuseTooDeep(value);
    this.ancestors.push(value);
    const plain = Array.isArray(value) ? this.array(value, depth) : this.fields(value, depth);
    this.ancestors.pop();
    return plain;
  }

  private array(value: unknown[], depth: number): boolean {
    for (let index = 0; index < value.length; index++) {
      this.path.push(index);
      if (!(index in value)) this.refuse('is a hole in an array, which JSON writes as null. Store null instead.');
      const item = value[index];
      if (item === undefined) this.refuse('is undefined in an array, which JSON writes as null. Store null instead.');
      if (!this.item(item, depth)) return false;
      this.path.pop();
    }
    return true;
  }

  private fields(value: object, depth: number): boolean {
    const { mode } = this.options;
    // The event itself is a class instance by definition; below it, only plain objects are JSON.
    if (depth > 1 || mode !== 'event') {
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return this.notPlain(value);
    }
    // JSON.stringify would write what toJSON returns, not the fields.
    if (mode === 'event' && 'toJSON' in value) return false;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      this.path.push(key);
      const unstorable = findUnstorableCharacter(key);
      if (unstorable) this.refuse(`is a key that ${unstorable.problem}. Rename the key: ${unstorable.remedy}.`);
      const item = record[key];
      // JSON leaves out fields that are undefined, and reading them back leaves them unset.
      if (item !== undefined && !this.item(item, depth)) return false;
      this.path.pop();
    }
    return true;
  }

  private item(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case 'string': {
        const unstorable = findUnstorableCharacter(value);
        if (unstorable) this.refuse(`${unstorable.problem}. ${capitalize(unstorable.remedy)}, or ${this.encodeIt('encode the text (as base64, say)')}.`);
        return true;
      }
      case 'number':
        if (!Number.isFinite(value)) {
          this.refuse(`is ${value}, which is not a JSON number: it would be read back as null. Store null or a string${this.orTransform()}.`);
        }
        if (value === 0 && 1 / value < 0) this.refuse(`is -0, which JSON writes as 0. Store 0 instead (adding 0 to a number turns -0 into 0)${this.orTransform()}.`);
        return true;
      case 'boolean':
        return true;
      case 'object':
        return value === null || this.object(value, depth + 1);
      case 'bigint':
        return this.refuse(
          this.options.mode === 'metadata'
            ? 'is a bigint, which JSON cannot hold. Store it as a string.'
            : 'is a bigint, which JSON cannot hold. Declare how to store it with a pair of @Transform decorators (to and from a string).',
        );
      case 'function':
        if (this.options.mode === 'event') return false;
        return this.refuse('is a function, which cannot be stored as JSON. Convert it to a string, number, boolean, array or plain object.');
      default:
        return this.refuse(`is a ${typeof value}, which cannot be stored as JSON. Convert it to a string, number, boolean, array or plain object.`);
    }
  }

  private notPlain(value: object): boolean {
    const { mode } = this.options;
    if (value instanceof Date) {
      if (mode === 'event') return false;
      if (Number.isNaN(value.getTime())) this.refuse('is an invalid Date, which JSON writes as null. Store null or a valid Date.');
      if (mode === 'metadata') {
        this.refuse('is a Date, which metadata would give back as a string. Store toISOString() instead.');
      }
      if (!this.options.declaresDate?.(this.path)) {
        this.refuse(
          `is a Date, which is stored as its ISO string and read back as that string unless the field declares it. ` +
            'Add @Type(() => Date) to the field (or store toISOString() yourself).',
        );
      }
      return true;
    }
    if (mode === 'event') return false;
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    const what = typeof name === 'string' && name !== '' ? `a ${name} instance` : 'an object with an unusual prototype';
    return this.refuse(
      mode === 'metadata'
        ? `is ${what}, which cannot be stored as JSON metadata. Convert it to a plain object first (for a Date, use toISOString()).`
        : `is ${what}, which is not JSON. Declare how to store it with @Transform.`,
    );
  }

  private refuseTooDeep(value: object): never {
    // A cycle also ends here; naming it, at the reference that closes it, is more help than
    // naming the depth. ancestors[i] is the object at a path of length i.
    const chain = [...this.ancestors, value];
    const repeat = chain.findIndex((object, index) => chain.indexOf(object) < index);
    if (repeat >= 0) {
      this.path.length = repeat;
      this.refuse('refers to an object that contains it (a cycle), which JSON cannot hold. Store the data without the loop.');
    }
    return this.refuse(`nests objects and arrays deeper than ${MAX_NESTING_DEPTH} levels. Store flatter data.`);
  }

  private orTransform(): string {
    return this.options.mode === 'metadata' ? '' : ', or declare an encoding with @Transform';
  }

  private encodeIt(how: string): string {
    return this.options.mode === 'metadata' ? how : `${how} with @Transform`;
  }

  private refuse(problem: string): never {
    throw refusal(this.options.argument, this.options.eventName, this.path, problem);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `a.b[2]["odd key"]`: identifiers after dots, anything else quoted in brackets. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * The error for a value at `path` under `argument` that cannot be stored: `problem` completes a
 * sentence about the value, named after the event class where there is one.
 */
export function refusal(argument: string, eventName: string | undefined, path: readonly PathSegment[], problem: string): InvalidArgumentError {
  const inner = formatPath(path);
  const under = (base: string) => (inner === '' ? base : inner.startsWith('[') ? `${base}${inner}` : `${base}.${inner}`);
  return new InvalidArgumentError(under(argument), `${eventName === undefined ? 'it' : under(eventName)} ${problem}`);
}
