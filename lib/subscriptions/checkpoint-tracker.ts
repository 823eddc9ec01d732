/**
 * Knows which positions of the log a subscriber has finished, and so how far its checkpoint may
 * go.
 *
 * Events are taken in position order but may finish out of order (different streams run in
 * parallel; a retried event finishes late). The checkpoint is the last position before the
 * oldest unfinished one, so a slow event is never skipped on restart; positions that finished
 * beyond it are kept as `ahead`, saved with the checkpoint, so they are not run again either.
 */
export class CheckpointTracker {
  private taken: number[] = [];
  private head = 0;
  private readonly finishedAhead = new Set<number>();
  private position: number;

  constructor(checkpoint: number, ahead: readonly number[] = []) {
    this.position = checkpoint;
    for (const finished of ahead) if (finished > checkpoint) this.finishedAhead.add(finished);
  }

  /** Every position up to and including this one is finished. */
  get checkpoint(): number {
    return this.position;
  }

  /** Finished positions after the checkpoint, ascending. */
  get ahead(): number[] {
    return [...this.finishedAhead].sort((a, b) => a - b);
  }

  /** How many positions after the checkpoint are finished. */
  get aheadCount(): number {
    return this.finishedAhead.size;
  }

  /** Whether some position was taken and has not finished yet. */
  get hasWorkInProgress(): boolean {
    return this.head < this.taken.length;
  }

  /** Whether a position needs no more work (finished before, perhaps in an earlier run). */
  isFinished(position: number): boolean {
    return position <= this.position || this.finishedAhead.has(position);
  }

  /** Records that work on `position` started; positions must be taken in ascending order. */
  take(position: number): void {
    this.taken.push(position);
  }

  /** Records that `position` is finished and moves the checkpoint as far as it may go. */
  finish(position: number): void {
    if (this.taken[this.head] === position && this.finishedAhead.size === 0) {
      // The oldest event in progress finished, and nothing beyond it had: the checkpoint moves
      // to it. This is every event of a projection's batch, so it skips the set.
      this.position = position;
      this.head++;
      this.compact();
      return;
    }
    this.finishedAhead.add(position);
    for (;;) {
      const oldest = this.taken[this.head];
      if (oldest === undefined || !this.finishedAhead.has(oldest)) break;
      this.position = oldest;
      this.finishedAhead.delete(oldest);
      this.head++;
    }
    this.compact();
  }

  /** Drops the finished part of the taken list now and then, so that it does not grow for ever. */
  private compact(): void {
    if (this.head === this.taken.length) {
      this.taken = [];
      this.head = 0;
      // Nothing is in progress, so positions saved as ahead by an earlier run that are now
      // contiguous with the checkpoint can be folded into it.
      while (this.finishedAhead.has(this.position + 1)) this.finishedAhead.delete(++this.position);
    } else if (this.head > 1024) {
      this.taken = this.taken.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The checkpoint and ahead list as they would be once `positions` (all taken) finish, without
   * changing anything: what a projection writes in the transaction that finishes them.
   */
  preview(positions: readonly number[]): { checkpoint: number; ahead: number[] } {
    const finished = new Set([...this.finishedAhead, ...positions]);
    let checkpoint = this.position;
    let index = this.head;
    for (;;) {
      const oldest = this.taken[index];
      if (oldest === undefined || !finished.has(oldest)) break;
      checkpoint = oldest;
      finished.delete(oldest);
      index++;
    }
    if (index === this.taken.length) while (finished.has(checkpoint + 1)) finished.delete(++checkpoint);
    return { checkpoint, ahead: [...finished].sort((a, b) => a - b) };
  }
}
