import { InvalidArgumentError } from 'commander';

/**
 * Parses an option value that must be a whole number from 1 up (a version, a position, an id).
 * Commander reports the failure as a usage error.
 *
 * @example
 * ```ts
 * command.option('--version <n>', 'stop after this version', parseWholeNumber);
 * ```
 */
export function parseWholeNumber(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('Expected a whole number from 1 up.');
  }
  return value;
}

/** Parses a moment: an ISO 8601 date and time such as `2026-01-01T12:00:00Z`. */
export function parseMoment(text: string): Date {
  const moment = new Date(text);
  if (text.trim() === '' || Number.isNaN(moment.getTime())) {
    throw new InvalidArgumentError('Expected a date and time, such as 2026-01-01T12:00:00Z.');
  }
  return moment;
}

/** Collects repeated whole-number arguments (dead-letter ids). */
export function parseIds(texts: readonly string[]): number[] {
  return texts.map((text) => {
    try {
      return parseWholeNumber(text);
    } catch {
      throw new InvalidArgumentError(`'${text}' is not an id: ids are whole numbers from 1 up.`);
    }
  });
}
