// A generated source file that remembers where each of its lines came from, so that a compiler's
// "file.ts(12,5)" can be reported as the line of the Markdown or TypeScript file a reader edits.

/** A line of a documentation file. */
export interface Origin {
  /** The file, relative to the repository's root: `docs/events.md`, `lib/store/event-store.ts`. */
  readonly file: string;
  /** The line, counting from 1. */
  readonly line: number;
}

/** `docs/events.md line 13`. */
export function where(origin: Origin): string {
  return `${origin.file} line ${origin.line}`;
}

/** Text built from pieces of documentation files, and of generated lines that belong to none. */
export class SourceText {
  private readonly lines: string[] = [];
  private readonly origins: Array<Origin | undefined> = [];

  /** Appends `code`; its first line came from `first`, the others from the lines below it. */
  add(code: string, first?: Origin): void {
    const lines = code.replace(/\n$/, '').split('\n');
    lines.forEach((line, index) => {
      this.lines.push(line);
      this.origins.push(first && { file: first.file, line: first.line + index });
    });
  }

  /** The whole text. */
  get text(): string {
    return this.lines.join('\n') + '\n';
  }

  /** Where line `line` (counting from 1) came from; undefined for a generated line. */
  origin(line: number): Origin | undefined {
    return this.origins[line - 1];
  }
}
