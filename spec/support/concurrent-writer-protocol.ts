// What the concurrent-writers spec and its writer processes (concurrent-writer.ts) tell each other.

/** How one append of a writer fared. */
export type Outcome = 'stored' | 'conflict';

/** What a writer stored, and how its appends fared. */
export interface WriterReport {
  readonly name: string;
  /** Ids of the events it stored, in the order it stored them. */
  readonly stored: string[];
  /** Per forced round, how its append fared. */
  readonly forced: Outcome[];
  /** ConcurrencyErrors met while racing freely. */
  readonly racingConflicts: number;
}

/** What a writer tells the spec: the step it is ready to take, or at the end its report. */
export type WriterMessage =
  | { readonly step: 'started' }
  | { readonly step: 'read'; readonly version: number }
  | { readonly step: 'racing' }
  | { readonly step: 'done'; readonly report: WriterReport };
