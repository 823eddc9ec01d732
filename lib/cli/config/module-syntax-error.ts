// swc reports a syntax error as `x <reason>`, then a code frame headed `,-[<file>:<line>:<column>]`.
const REASON = /^\s*x (.+)$/m;
const FRAME_HEADER = /,-\[(.+):(\d+):\d+\]/;

/**
 * A file of the config that is not valid TypeScript or JavaScript. Internal to config loading,
 * which reports it as a {@link ConfigInvalidError} naming the file and line.
 */
export class ModuleSyntaxError extends SyntaxError {
  constructor(
    /** The file. */
    readonly file: string,
    /** The line, counted from 1, when the compiler told it. */
    readonly line: number | undefined,
    /** What the compiler found wrong. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'ModuleSyntaxError';
  }

  /** Reads the reason and the line out of the message the compiler failed with. */
  static fromCompilerMessage(file: string, error: unknown): ModuleSyntaxError {
    const message = error instanceof Error ? error.message : String(error);
    const reason = REASON.exec(message)?.[1] ?? message.split('\n')[0]!;
    const header = FRAME_HEADER.exec(message);
    return new ModuleSyntaxError(header?.[1] ?? file, header ? Number(header[2]) : undefined, reason.trim(), { cause: error });
  }
}
