import { createInterface } from 'node:readline/promises';

/** Asks the person at the terminal to confirm an operation. */
export interface Confirmation {
  /** Whether there is someone to ask: the input is a terminal. */
  readonly interactive: boolean;
  /** Asks `question` and resolves to true for an answer of y or yes; anything else, or no answer (end of input), is no. */
  ask(question: string): Promise<boolean>;
}

/**
 * Asks on this process's terminal: the question on stderr, so that stdout keeps only results, and
 * the answer from stdin.
 *
 * @example
 * ```ts
 * const confirmation = terminalConfirmation();
 * if (confirmation.interactive && (await confirmation.ask('Reset it? [y/N] '))) console.log('resetting');
 * ```
 */
export function terminalConfirmation(input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin, output: NodeJS.WritableStream = process.stderr): Confirmation {
  return {
    interactive: input.isTTY === true,
    async ask(question) {
      const lines = createInterface({ input, output, terminal: false });
      // The input may end (Ctrl-D) before an answer: that is no.
      const ended = new Promise<string>((resolve) => lines.once('close', () => resolve('')));
      try {
        const answer = await Promise.race([lines.question(question).catch(() => ''), ended]);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        lines.close();
      }
    },
  };
}
