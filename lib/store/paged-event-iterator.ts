import type { RecordedEvent } from './recorded-event';
import type { StoredEventDecoder } from './stored-event-decoder';
import type { StoredEventTuple } from './stored-event-tuple';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** How a paged read fetches its rows, and which column orders them. */
export interface EventPages {
  /** Up to `pageSize` rows after `after`, in order. */
  fetch(after: number): Promise<StoredEventTuple[]>;
  /** The value of the ordering column (position or stream version) in a row. */
  keyOf(row: StoredEventTuple): number;
  readonly pageSize: number;
}

/**
 * The events of a read, fetched a page at a time as the reader asks for them and decoded one by
 * one as it takes them, so memory holds one page however long the read.
 *
 * An async generator would do the same in fewer lines, but it costs several promise jobs for
 * every event it yields, and reading the log hands over millions of events: this hands over an
 * event of the current page in one already-settled promise, and waits only for the next page. It
 * keeps a generator's behaviour: nothing is read before the first `next()`, `return()` (a
 * `break` out of `for await`) ends the read, an error ends it too, and calls made while a page is
 * on its way are answered in order.
 */
export class PagedEventIterator implements AsyncIterableIterator<RecordedEvent> {
  private rows: readonly StoredEventTuple[] = [];
  private index = 0;
  private lastPage = false;
  private ended = false;
  private pageRead: Promise<IteratorResult<RecordedEvent>> | undefined;

  constructor(
    private readonly pages: EventPages,
    /** The key of the row before the first to read. */
    private after: number,
    private readonly decoder: StoredEventDecoder,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<RecordedEvent>> {
    // A call made while a page is on its way waits for it, then takes its turn.
    if (this.pageRead) return this.pageRead.then(this.nextInTurn, this.nextInTurn);
    while (!this.ended && this.index < this.rows.length) {
      const row = this.rows[this.index++]!; // index < rows.length
      let recorded: RecordedEvent | undefined;
      try {
        recorded = this.decoder.decode(row);
      } catch (error) {
        this.end();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what decoding threw, as a generator would
        return Promise.reject(error);
      }
      if (recorded) return Promise.resolve({ done: false, value: recorded });
    }
    if (this.ended || this.lastPage) {
      this.end();
      return Promise.resolve(DONE);
    }
    this.pageRead = this.readPageThenNext();
    return this.pageRead;
  }

  return(): Promise<IteratorResult<RecordedEvent>> {
    this.end();
    return Promise.resolve(DONE);
  }

  private readonly nextInTurn = (): Promise<IteratorResult<RecordedEvent>> => this.next();

  private async readPageThenNext(): Promise<IteratorResult<RecordedEvent>> {
    try {
      const rows = await this.pages.fetch(this.after);
      const last = rows.at(-1);
      this.rows = rows;
      this.index = 0;
      // A short page means nothing was left up to the read's bound when it was read.
      if (last === undefined || rows.length < this.pages.pageSize) this.lastPage = true;
      else this.after = this.pages.keyOf(last);
    } catch (error) {
      this.end();
      throw error;
    } finally {
      this.pageRead = undefined;
    }
    return this.next();
  }

  private end(): void {
    this.ended = true;
    this.rows = [];
  }
}
