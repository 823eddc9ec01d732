/**
 * Characters that no backend can store and give back as written.
 *
 * U+0000 (NUL): PostgreSQL's `text` refuses it, and so does `jsonb`, even escaped as `\u0000`.
 * Unpaired UTF-16 surrogates: they are not Unicode, so PostgreSQL refuses them in `jsonb`, and
 * bound as `text` they reach either database as UTF-8 with the surrogate replaced (PostgreSQL
 * stores U+FFFD, so `'x\ud800'` and `'x\udc00'` become one value) or mangled (SQLite keeps the
 * bytes but reads them back as three U+FFFD). The test matches a code unit, not a code point,
 * so a surrogate half is found whether or not it is paired; {@link findUnstorableCharacter}
 * then tells pairs apart.
 */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters looked for
const SUSPECT = /[\u0000\ud800-\udfff]/;

/** Where a text holds a character eventfold refuses to store, and which one. */
export interface UnstorableCharacter {
  /** Index of the offending UTF-16 code unit. */
  readonly index: number;
  /** What is wrong, as the end of a sentence about the text ("... contains ..."). */
  readonly problem: string;
  /** What can be done about it, as a phrase ("remove it", "repair the text ..."). */
  readonly remedy: string;
}

/**
 * A quick test that answers false for nearly every text: true when `text` holds a NUL or a
 * surrogate half, paired or not, so that {@link findUnstorableCharacter} has to look closer.
 */
export function mayHoldUnstorableCharacter(text: string): boolean {
  return SUSPECT.test(text);
}

/**
 * Finds the first NUL or unpaired surrogate in `text`, or returns undefined when the text can be
 * stored and read back exactly on every backend.
 *
 * @example
 * ```ts
 * findUnstorableCharacter('o-1'); // undefined
 * findUnstorableCharacter('x\ud800')?.index; // 1
 * ```
 */
export function findUnstorableCharacter(text: string): UnstorableCharacter | undefined {
  // Nearly every string is free of both, and one regular expression test says so at native speed.
  if (!SUSPECT.test(text)) return undefined;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit === 0) {
      return {
        index,
        problem: `contains U+0000 (NUL) at index ${index}, which PostgreSQL cannot store (neither in text nor in jsonb)`,
        remedy: 'remove it',
      };
    }
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = index + 1 < text.length ? text.charCodeAt(index + 1) : 0;
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      index++;
      continue;
    }
    return {
      index,
      problem:
        `contains an unpaired UTF-16 surrogate (\\u${unit.toString(16)}) at index ${index}, which is not Unicode: ` +
        'PostgreSQL refuses it in jsonb and stores U+FFFD for it in text',
      remedy: 'repair the text (toWellFormed() puts U+FFFD in its place)',
    };
  }
  return undefined;
}
