// What the concurrent-commands spec and its writer processes (command-writer.ts) tell each other.

/** The database the writers share: an SQLite file, or a schema of a PostgreSQL database. */
export type SharedStore = { readonly sqlite: string } | { readonly postgres: string; readonly schema: string };

/** The rounds in which the spec holds every decision until all writers have made theirs. */
export type ForcedRound = 'create' | 'exhaust';

/** How one command of a writer ended. */
export type CommandOutcome =
  | { readonly stored: true; readonly attempts: number }
  | {
      readonly stored: false;
      readonly code: string;
      /** `attempts` of the ConcurrencyError. */
      readonly attempts: number;
      /** How many times the writer's decision ran for the command. */
      readonly decisions: number;
      readonly expected: unknown;
      readonly actual: number;
    };

/** What a writer did while racing the others freely. */
export interface WriterReport {
  readonly name: string;
  /** Commands of the free race, in order. */
  readonly racing: CommandOutcome[];
  /** Commands stored in all, forced rounds included. */
  readonly stored: number;
}

/** What a writer tells the spec. Every step but `outcome` and `done` waits for the spec's go. */
export type CommandWriterMessage =
  | { readonly step: 'started' }
  | { readonly step: 'round'; readonly round: ForcedRound }
  | { readonly step: 'decided'; readonly round: ForcedRound; readonly version: number }
  | { readonly step: 'outcome'; readonly round: ForcedRound; readonly outcome: CommandOutcome }
  | { readonly step: 'racing' }
  | { readonly step: 'done'; readonly report: WriterReport };
