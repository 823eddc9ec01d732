import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { EventfoldTables } from '../schema';

/** The shortest time between the end of one notification and the start of the next. */
const MIN_INTERVAL_MS = 5;

/**
 * Tells other processes, through PostgreSQL's NOTIFY, that appends to a schema have committed,
 * with at most one notification in flight per store.
 *
 * The notification is sent after the append's commit rather than inside its transaction:
 * PostgreSQL commits the transactions that notify one at a time across the whole cluster (each
 * holds a global lock from just before its commit until after), which would put the appends back
 * in single file. Sent afterwards, in a transaction of its own that does not wait for the disk
 * (a lost notification costs a listener one poll), it costs the append nothing. Appends that
 * commit while one is in flight are covered by one more, sent after it: a listener woken by the
 * first might have looked before they committed.
 *
 * Each notification is a transaction of its own on the server. Under a steady stream of appends
 * they would follow each other back to back, about one for every three appends with sixteen
 * writers, costing the server a quarter of its append throughput; a pause of a few milliseconds
 * between them bounds them to a couple of hundred a second, for a few milliseconds more before
 * other processes hear of an append.
 */
export class AppendNotifier {
  private sending: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly db: Kysely<EventfoldTables>,
    private readonly channel: string,
  ) {}

  /** Announces the appends committed so far. */
  notify(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = this.send().finally(() => (this.sending = undefined));
  }

  /** Resolves once no notification is in flight. */
  async settled(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      try {
        // One statement: its implicit transaction commits with the setting it made.
        await sql`select set_config('synchronous_commit', 'off', true), pg_notify(${this.channel}, '')`.execute(this.db);
      } catch (error) {
        // The appends committed; listeners find them at their next poll instead.
        process.emitWarning(`eventfold could not notify other processes of an append; their dispatchers find it at their next poll: ${(error as Error).message}`, {
          code: 'EVENTFOLD_NOTIFY_FAILED',
        });
      }
      if (this.again) await sleep(MIN_INTERVAL_MS);
    } while (this.again);
  }
}
