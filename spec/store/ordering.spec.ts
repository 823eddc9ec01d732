import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DomainEvent, EventStore } from '../../lib';
import { dropSchemas, forEachBackend, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { deferred } from '../support/deferred';
import { collect } from '../support/expect-rejection';
import { Counted, createFollowedTable, followedPositions, slowDownCommits, writeConcurrently } from '../support/ordering-writers';
import { until } from '../support/until';

@DomainEvent('Tallied')
class Tallied {
  constructor(readonly n: number) {}
}

forEachBackend('Global order under concurrent appends', (backend) => {
  it('lets a reader following the log see every event exactly once, in position order', async function () {
    this.timeout(60_000);
    const store = await backend.open({ events: [Tallied] });
    const writers = 6;
    const appendsPerWriter = 40;
    let writing = writers;
    const appended: number[] = [];
    // Ends when the reader has read the log once more. Each writer waits for it after each
    // append, so that the reader reads while the others append rather than after they are done.
    let reread = deferred();
    const write = async (writer: number) => {
      for (let n = 0; n < appendsPerWriter; n++) {
        const size = 1 + ((writer + n) % 4);
        const stream = { type: 'Counter', id: `c-${(writer * 7 + n) % 5}` };
        const { events } = await store.append(
          stream,
          Array.from({ length: size }, () => new Tallied(n)),
        );
        appended.push(...events.map((event) => event.position));
        await reread.promise;
      }
      writing--;
    };
    const seen: number[] = [];
    let readsWhileWriting = 0;
    const follow = async () => {
      // Reads again and again from just after the last position seen, as a subscriber does.
      while (writing > 0 || seen.length < appended.length) {
        const before = seen.length;
        for await (const recorded of store.readAll({ from: (seen[seen.length - 1] ?? 0) + 1, pageSize: 7 })) seen.push(recorded.position);
        if (writing > 0 && seen.length > before) readsWhileWriting++;
        const done = reread;
        reread = deferred();
        done.resolve();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([...Array.from({ length: writers }, (_, writer) => write(writer)), follow()]);

    expect(readsWhileWriting, 'reads that found new events while the writers were appending').to.be.greaterThan(0);
    expect(seen.length).to.equal(appended.length);
    expect(new Set(seen).size).to.equal(seen.length);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
    expect([...seen].sort((a, b) => a - b)).to.deep.equal([...appended].sort((a, b) => a - b));
  });
});

/**
 * Where one reader could go wrong, many writers on PostgreSQL make it happen: positions come from
 * a sequence as appends reserve them, but appends commit in their own order, so a reader that
 * passed a position could miss a lower one still being committed. Sixteen writers, each on
 * connections of its own, append side by side (commits slowed down at random to mix their order
 * further), while two followers read all the while: one pages through `readAll`, the other is a
 * dispatcher's projection in a process of its own. Each must end with every committed event
 * exactly once, in position order, so both in one identical order.
 */
const url = postgresUrlOrReportSkip();
if (url) {
  describe('Global order under sixteen concurrent writers [postgres]', function () {
    this.timeout(180_000);
    const writerCount = 16;
    const leaseMs = 500;
    const script = join(__dirname, '..', 'support', 'log-follower-process.js');
    let schema: string;
    const stores: EventStore[] = [];
    const followers: ChildProcess[] = [];

    beforeEach(() => {
      schema = uniqueSchema();
    });
    afterEach(async () => {
      for (const child of followers.splice(0)) child.kill('SIGKILL');
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await dropSchemas(url, [schema]);
    });

    async function open(): Promise<EventStore> {
      const store = await EventStore.open({ postgres: url!, schema, poolSize: 2, events: [Counted] });
      stores.push(store);
      return store;
    }

    /** Starts a dispatcher following the log in a process of its own; resolves once it runs. */
    async function startFollower(): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
      const child = spawn(process.execPath, [script, url!, schema, String(leaseMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
      followers.push(child);
      let errors = '';
      child.stderr?.on('data', (chunk) => (errors += chunk));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk) => String(chunk).includes('started') && resolve());
        void exited.then((code) => reject(new Error(`the follower exited (${String(code)}) before it started: ${errors}`)));
      });
      return { child, exited };
    }

    /**
     * Pages through the log from just after the last position seen, again and again, as a
     * subscriber with a durable cursor would, until it has seen the last committed position
     * (known once the writers are done).
     */
    async function followByPaging(store: EventStore, lastCommitted: Promise<number>): Promise<number[]> {
      let goal: number | undefined;
      void lastCommitted.then((position) => (goal = position));
      const seen: number[] = [];
      let deadline = Infinity;
      for (;;) {
        const last = goal;
        for await (const recorded of store.readAll({ from: (seen.at(-1) ?? 0) + 1, pageSize: 100 })) seen.push(recorded.position);
        if (last !== undefined && (seen.at(-1) ?? 0) >= last) return seen;
        if (last !== undefined) deadline = Math.min(deadline, Date.now() + 60_000);
        if (Date.now() > deadline) throw new Error(`the paging follower stopped at ${seen.at(-1)}, short of ${last}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }

    async function writeWhileFollowing(killFollower: boolean): Promise<void> {
      const admin = await open();
      await createFollowedTable(admin);
      await slowDownCommits(admin);
      const writers = await Promise.all(Array.from({ length: writerCount }, () => open()));
      const follower = await startFollower();
      const lastCommitted = deferred<number>();
      const paged = followByPaging(await open(), lastCommitted.promise);
      const midway = deferred();
      const writing = writeConcurrently(writers, { appendsPerWriter: 60, sharedStreams: 4, midway: midway.promise });
      if (killFollower) {
        // Killed halfway, while it is applying the first half's events (about 5,000), at no
        // moment it could prepare for. The replacement takes over once the dead one's lease runs
        // out, from its checkpoint, and follows the second half of the appends.
        await until(async () => (await followedPositions(admin)).length >= 2000, 'the dispatcher did not apply 2,000 events', 30_000);
        follower.child.kill('SIGKILL');
        await follower.exited;
        const replacement = await startFollower();
        await until(async () => (await leaseOwner(admin)).includes(`:${replacement.child.pid}:`), 'the replacement did not take over', 30_000);
      }
      midway.resolve();
      const { committed, conflicts } = await writing;
      const inOrder = [...committed].sort((a, b) => a - b);
      const lastPosition = inOrder.at(-1)!;
      lastCommitted.resolve(lastPosition);

      const pagedSeen = await paged;
      await until(async () => ((await followedPositions(admin)).at(-1) ?? 0) >= lastPosition, 'the dispatcher did not reach the last event', 60_000);
      const followed = await followedPositions(admin);

      // The opening round made all writers but one meet a ConcurrencyError; nothing of theirs is in the log.
      expect(conflicts).to.be.at.least(writerCount - 1);
      expect((await collect(admin.readAll())).map((recorded) => recorded.position)).to.deep.equal(inOrder);
      // What makes it work: of two appends, the one with the lower transaction id has the lower positions.
      const rows = await admin.db
        .selectFrom('eventfold_events')
        .select(sql<string>`tx::text`.as('tx'))
        .orderBy('position')
        .execute();
      const ids = rows.map((row) => BigInt(row.tx));
      expect(ids.filter((id, index) => index > 0 && id < ids[index - 1]!).length, 'transaction ids that go down as positions go up').to.equal(0);
      const seenBy = { 'paging through readAll': differences(pagedSeen, inOrder), 'a dispatcher': differences(followed, inOrder) };
      expect(seenBy).to.deep.equal({ 'paging through readAll': NONE, 'a dispatcher': NONE });
    }

    it('gives two followers, reading all the while, every committed event exactly once in one order', async () => {
      await writeWhileFollowing(false);
    });

    it('gives the same to a dispatcher killed mid-run and replaced by another process', async () => {
      await writeWhileFollowing(true);
    });
  });
}

/** Who holds the lease of the dispatcher's projection. */
async function leaseOwner(store: EventStore): Promise<string> {
  const row = await store.db.selectFrom('eventfold_subscriptions').select('lease_owner').where('name', '=', 'followed-positions').executeTakeFirst();
  return String(row?.lease_owner);
}

const NONE = { missed: 0, unknown: 0, repeated: 0, outOfOrder: 0 };

/** How the positions a follower saw differ from the committed ones, in position order: nothing, when they are the same. */
function differences(seen: readonly number[], committed: readonly number[]): typeof NONE {
  const seenSet = new Set(seen);
  const committedSet = new Set(committed);
  return {
    missed: committed.filter((position) => !seenSet.has(position)).length,
    unknown: seen.filter((position) => !committedSet.has(position)).length,
    repeated: seen.length - seenSet.size,
    outOfOrder: seen.filter((position, index) => index > 0 && position <= seen[index - 1]!).length,
  };
}
