import { InvalidArgumentError } from 'commander';
import type { StartPosition } from '../../subscriptions/start-position';

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

/**
 * Parses where a subscriber starts: `beginning`, `now`, a position (a whole number from 1: the
 * first event delivered) or a moment (an ISO 8601 date and time: the first event recorded at or
 * after it).
 *
 * @example
 * ```ts
 * command.requiredOption('--to <start>', 'beginning, now, a position or a time', parseStartPosition);
 * ```
 */
export function parseStartPosition(text: string): StartPosition {
  const trimmed = text.trim();
  if (trimmed === 'beginning' || trimmed === 'now') return trimmed;
  if (/^\d+$/.test(trimmed)) return { position: parseWholeNumber(trimmed) };
  // A bare number is a position, never a year: a moment needs at least a month (2026-01).
  if (/^\d{4}-\d{2}/.test(trimmed)) return { time: parseMoment(trimmed) };
  throw new InvalidArgumentError('Expected beginning, now, a position (a whole number from 1) or a date and time, such as 2026-01-01T12:00:00Z.');
}
