/** A line of a source file. */
export interface SourceLocation {
  /** The file's absolute path. */
  readonly file: string;
  /** The line, counted from 1. */
  readonly line: number;
}

/**
 * The location as editors and terminals link it: `file:line`.
 *
 * @example
 * ```ts
 * describeLocation({ file: '/app/events.ts', line: 12 }); // '/app/events.ts:12'
 * ```
 */
export function describeLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}`;
}
