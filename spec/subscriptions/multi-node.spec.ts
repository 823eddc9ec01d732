import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dispatcher, EventStore } from '../../lib';
import { dropSchemas, postgresUrlOrReportSkip, temporaryFolder, uniqueSchema } from '../support/backends';
import { collect } from '../support/expect-rejection';
import { watchLeaseAttempts } from '../support/lease-attempts';
import { createTotalsTable, Deposit, readTotals, SegmentedTotals, Totals } from '../support/subscriber-fixtures';
import { until } from '../support/until';

const script = join(__dirname, '..', 'support', 'subscriber-process.js');

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

interface Node {
  readonly child: ChildProcess;
  readonly handledFile: string;
  /** The first line the node printed: "started" and the state of each of its subscribers. */
  readonly started: Promise<string>;
  /** Whether the node has printed "idle": its appends are done. */
  readonly idle: () => boolean;
  readonly exited: Promise<number | null>;
}

function startNode(url: string, schema: string, handledFile: string, appendCount: number, leaseMs: number, segmented: boolean): Node {
  const args = [script, url, handledFile, String(appendCount), String(leaseMs), schema, ...(segmented ? ['segmented'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stderr?.on('data', (chunk) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('\n')) resolve(output.split('\n')[0]!);
    });
    void exited.then((code) => reject(new Error(`node exited (${code}) before it started: ${errors}`)));
  });
  return { child, handledFile, started, idle: () => output.includes('\nidle'), exited };
}

const url = postgresUrlOrReportSkip();
if (url) {
  describe('Three nodes on one PostgreSQL database', function () {
    this.timeout(120_000);
    let folder: ReturnType<typeof temporaryFolder>;
    let schema: string;
    const nodes: Node[] = [];
    beforeEach(() => {
      folder = temporaryFolder();
      schema = uniqueSchema();
    });
    afterEach(async () => {
      for (const node of nodes.splice(0)) node.child.kill('SIGKILL');
      folder.remove();
      await dropSchemas(url, [schema]);
    });

    it("times leases by the database server's clock, so a node whose clock runs ahead cannot take a live lease", async () => {
      // Each dispatcher listens for appends on a connection of its own from the store's pool.
      const store = await EventStore.open({ postgres: url, schema, poolSize: 4, events: [Deposit] });
      const realNow = Date.now;
      const leases = watchLeaseAttempts();
      let holder: Dispatcher | undefined;
      let other: Dispatcher | undefined;
      try {
        await createTotalsTable(store);
        holder = await Dispatcher.start(store, [new Totals()], { processId: 'holder', leaseMs: 1000 });
        expect(holder.stats()[0]!.state).not.to.equal('standby');
        // An hour ahead: by its own clock, the holder's lease ran out long ago.
        Date.now = () => realNow() + 3_600_000;
        other = await Dispatcher.start(store, [new Totals()], { processId: 'fast-clock', leaseMs: 1000 });
        // Its start and two renewal rounds after it: three tries to take the lease.
        const tries = () => leases.attempts.filter((attempt) => attempt.owner === 'fast-clock');
        await until(
          () => tries().length >= 3,
          () => `the node with the fast clock tried ${tries().length} times to take the lease`,
        );
        expect(tries().filter((attempt) => attempt.held)).to.deep.equal([]);
        expect(other.stats()[0]!.state).to.equal('standby');
        expect(holder.stats()[0]!.state).not.to.equal('standby');
      } finally {
        Date.now = realNow;
        leases.stop();
        await other?.stop();
        await holder?.stop();
        await store.close();
      }
    });

    /**
     * Three nodes append to the same streams and run the same handler and projection (split into
     * three segments each when `segmented`); the node holding leases is killed mid-run; the
     * survivors take over. Nothing may be lost, and the projection must apply each event once.
     */
    async function threeNodesLoseOne(server: string, segmented: boolean): Promise<void> {
      const store = await EventStore.open({ postgres: server, schema, poolSize: 2, events: [Deposit] });
      try {
        await createTotalsTable(store);
        const leaseMs = 1000;
        for (let n = 0; n < 3; n++) nodes.push(startNode(server, schema, join(folder.path, `node-${n}.txt`), 3000, leaseMs, segmented));
        await Promise.all(nodes.map((node) => node.started));
        // Who holds which lease, by process id (leases name their holder host:pid:random).
        const holders = async () => {
          const rows = await store.db.selectFrom('eventfold_subscriptions').select(['name', 'lease_owner']).where('lease_owner', 'is not', null).execute();
          return rows.map((row) => ({ name: row.name, node: nodes.findIndex((node) => (row.lease_owner as string).includes(`:${node.child.pid}:`)) }));
        };
        let held = await holders();
        if (segmented) {
          // Six segments (three of each subscriber), shared by the three nodes, at most two each.
          await until(
            async () => {
              held = await holders();
              const perNode = [0, 1, 2].map((node) => held.filter((lease) => lease.node === node).length);
              return held.length === 6 && perNode.every((count) => count === 2);
            },
            () => `the segments were not shared two per node: ${JSON.stringify(held)}`,
            20_000,
          );
        } else {
          // Each subscriber runs in exactly one node; the others wait on standby.
          expect(held.map((lease) => lease.name).sort()).to.deep.equal(['deposit-recorder', 'totals']);
        }

        // Kill a node that runs subscribers while it is in the middle of appending and handling:
        // one that runs the handler, whose file shows how far it got (the projection may well run
        // in another node).
        const victim = nodes[(held.find((lease) => lease.name.startsWith('deposit-recorder')) ?? held[0])!.node];
        await until(
          () => lines(victim!.handledFile).length >= 30,
          () => `the node running the handler did not handle 30 events: ${JSON.stringify(held)}`,
          30_000,
        );
        victim!.child.kill('SIGKILL');
        await victim!.exited;
        // Work that only the survivors can do: deposits to every account after the kill, so also
        // to streams of the victim's segments.
        const afterKill: string[] = [];
        for (let n = 0; n < 40; n++) {
          const account = `account-${n % 8}`;
          const { events } = await store.append({ type: 'Account', id: account }, [new Deposit(account, 1)]);
          afterKill.push(events[0]!.eventId);
        }

        // The survivors finish their appends, take the leases over and catch up with everything.
        const survivors = nodes.filter((node) => node !== victim);
        let events = await collect(store.readAll());
        let handledCount = 0;
        let applied = 0;
        await until(
          async () => {
            if (!survivors.every((node) => node.idle())) return false;
            events = await collect(store.readAll());
            const handled = new Set(nodes.flatMap((node) => lines(node.handledFile)));
            handledCount = handled.size;
            applied = (await readTotals(store)).reduce((sum, row) => sum + row.deposits, 0);
            return events.every((recorded) => handled.has(recorded.eventId)) && applied === events.length;
          },
          () => `survivors did not catch up (${handledCount} handled, ${applied} applied, ${events.length} logged)`,
          60_000,
        );
        if (segmented) {
          // The survivors hold every segment now, the victim's included.
          held = await holders();
          expect(held.length).to.equal(6);
          expect(held.every((lease) => lease.node !== nodes.indexOf(victim!) && lease.node >= 0)).to.equal(true);
        }
        for (const node of survivors) node.child.kill('SIGKILL');
        await Promise.all(survivors.map((node) => node.exited));

        // The survivors handled what was appended after the victim died.
        const handledBySurvivors = new Set(survivors.flatMap((node) => lines(node.handledFile)));
        expect(afterKill.filter((id) => !handledBySurvivors.has(id))).to.deep.equal([]);
        // Three nodes appended to the same streams.
        const streams = new Set(events.map((recorded) => recorded.streamId));
        expect(streams.size).to.equal(8);

        // Handlers saw every event at least once; the projection applied each exactly once.
        const handled = new Set(nodes.flatMap((node) => lines(node.handledFile)));
        expect(events.filter((recorded) => !handled.has(recorded.eventId))).to.deep.equal([]);
        const expected = new Map<string, { total: number; deposits: number }>();
        for (const { event } of events) {
          const { account, amount } = event as Deposit;
          const entry = expected.get(account) ?? { total: 0, deposits: 0 };
          expected.set(account, { total: entry.total + amount, deposits: entry.deposits + 1 });
        }
        const live = await readTotals(store);
        expect(live).to.deep.equal([...expected].map(([account, totals]) => ({ account, ...totals })).sort((a, b) => a.account.localeCompare(b.account)));

        if (segmented) {
          // Every node, the victim included, handled events of its own segments.
          expect(nodes.map((node) => lines(node.handledFile).length > 0)).to.deep.equal([true, true, true]);
        }

        // And the projection equals a rebuild from the log.
        const dispatcher = await Dispatcher.start(store, [segmented ? new SegmentedTotals() : new Totals()], { leaseMs, pollIntervalMs: 20 });
        try {
          // The killed nodes' leases run out before this one takes the subscriber over.
          await dispatcher.waitUntilLive({ timeoutMs: 20_000 });
          await dispatcher.rebuild('totals');
          expect(await readTotals(store)).to.deep.equal(live);
        } finally {
          await dispatcher.stop();
        }
      } finally {
        await store.close();
      }
    }

    it('append to shared streams and run one projection: after a node is killed, nothing is lost or applied twice', () => threeNodesLoseOne(url, false));

    it('share subscribers split into segments: after a node is killed, the others take its segments and nothing is lost or applied twice', () =>
      threeNodesLoseOne(url, true));
  });
}
