import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DeadLetter, type SubscriberStats } from '../../lib';
import { postgresUrlOrReportSkip, temporaryFolder } from '../support/backends';
import { processDatabases, type OpenedProcessDatabase } from '../support/process-databases';
import { createTotalsTable, Deposit, readTotals } from '../support/subscriber-fixtures';

const script = join(__dirname, '..', 'support', 'poison-process.js');

/** What a run of the poison process printed when it ended by itself. */
interface Report {
  readonly stats: SubscriberStats;
  readonly deadLetters: DeadLetter[];
  readonly messages: string[];
  /** Outcomes of dead letters retried after catching up. */
  readonly retried: boolean[];
}

/** Runs the poison process once; resolves to its report, or to 'killed' when it killed itself. */
function runOnce(args: string[]): Promise<Report | 'killed'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (errors += chunk));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve(JSON.parse(output.trim().split('\n').pop() as string) as Report);
      else reject(new Error(`poison process failed (${code}): ${errors}`));
    });
  });
}

const EVENTS = 30;
/** Amounts are 1 to 30, one per event; this one kills the process. */
const POISON = 17;
const MAX_CRASHES = 3;

const url = postgresUrlOrReportSkip();
for (const database of processDatabases('poison.db', url)) {
  describe(`Poison events [${database.name}]`, function () {
    this.timeout(120_000);
    let folder: ReturnType<typeof temporaryFolder>;
    let opened: OpenedProcessDatabase;
    let poisonPosition: number;
    beforeEach(async () => {
      folder = temporaryFolder();
      opened = await database.open(folder.path);
      await createTotalsTable(opened.store);
      // Three accounts, events interleaved, so the handler runs streams side by side.
      for (let amount = 1; amount <= EVENTS; amount++) {
        const account = `account-${amount % 3}`;
        const { position } = (await opened.store.append({ type: 'Account', id: account }, [new Deposit(account, amount)])).events[0]!;
        if (amount === POISON) poisonPosition = position;
      }
    });
    afterEach(async () => {
      await opened.store.close();
      await opened.dispose();
      folder.remove();
    });

    /** Restarts the process until it ends by itself; returns how often it was killed and its report. */
    async function restartUntilDone(kind: string, onFailure: string): Promise<{ kills: number; report: Report }> {
      const handledFile = join(folder.path, 'handled.txt');
      let kills = 0;
      for (let run = 1; run <= MAX_CRASHES + 3; run++) {
        const outcome = await runOnce([...opened.args, handledFile, kind, onFailure, String(POISON)]);
        if (outcome !== 'killed') return { kills, report: outcome };
        kills++;
      }
      throw new Error(`the process was still killed after ${kills} runs`);
    }

    async function collectAll() {
      await opened.store.waitForReadable();
      const events = [];
      for await (const recorded of opened.store.readAll()) events.push(recorded);
      return events;
    }

    function handledIds(): Map<string, number[]> {
      const file = join(folder.path, 'handled.txt');
      const handled = new Map<string, number[]>();
      for (const line of existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []) {
        const [id, attempt] = line.split(' ');
        handled.set(id!, [...(handled.get(id!) ?? []), Number(attempt)]);
      }
      return handled;
    }

    function expectCrashLetter(letter: DeadLetter): void {
      expect(letter.position).to.equal(poisonPosition);
      expect(letter.attempts).to.equal(MAX_CRASHES);
      expect(letter.errorMessage).to.match(/process stopped while .* was handling the event at position \d+, 3 times \(first at .*, last at .*\)/);
    }

    it('parks an event that kills a handler after maxCrashes restarts, and handles every later event', async () => {
      const { kills, report } = await restartUntilDone('handler', 'park');
      expect(kills).to.equal(MAX_CRASHES);
      expect(report.deadLetters).to.have.length(1);
      expectCrashLetter(report.deadLetters[0]!);
      expect(report.stats.state).to.equal('live');
      const events = await collectAll();
      const handled = handledIds();
      const missing = events.filter((recorded) => recorded.position !== poisonPosition && !handled.has(recorded.eventId));
      expect(missing.map((recorded) => recorded.position)).to.deep.equal([]);
      expect(handled.has(events.find((recorded) => recorded.position === poisonPosition)?.eventId ?? '')).to.equal(false);
      expect(report.messages.join('\n')).to.match(new RegExp(`parked event ${poisonPosition} .* as dead letter \\d+ after 3 attempts: The process stopped`));
    });

    it('halts a handler on an event that kills it, naming the event, and stays halted on restart', async () => {
      const { kills, report } = await restartUntilDone('handler', 'halt');
      expect(kills).to.equal(MAX_CRASHES);
      expect(report.stats.state).to.equal('halted');
      expect(report.stats.haltedReason).to.match(new RegExp(`event at position ${poisonPosition} \\(Deposit\\) failed: The process stopped`));
      expectCrashLetter(report.deadLetters[0]!);
      // A later start halts on it again at once, without another attempt that would kill it.
      const again = await runOnce([...opened.args, join(folder.path, 'handled.txt'), 'handler', 'halt', String(POISON)]);
      expect(again).to.not.equal('killed');
      expect((again as Report).stats.state).to.equal('halted');
      expect((again as Report).deadLetters[0]!.attempts).to.equal(MAX_CRASHES);
    });

    it('parks an event that kills a batching projection, applying every other event exactly once', async () => {
      const { kills, report } = await restartUntilDone('projection', 'park');
      expect(kills).to.equal(MAX_CRASHES);
      expectCrashLetter(report.deadLetters[0]!);
      await opened.store.waitForReadable();
      expect(report.stats.checkpoint).to.equal(await opened.store.headPosition());
      const expected = new Map<string, { total: number; deposits: number }>();
      for (let amount = 1; amount <= EVENTS; amount++) {
        if (amount === POISON) continue;
        const account = `account-${amount % 3}`;
        const entry = expected.get(account) ?? { total: 0, deposits: 0 };
        expected.set(account, { total: entry.total + amount, deposits: entry.deposits + 1 });
      }
      expect(await readTotals(opened.store)).to.deep.equal(
        [...expected].map(([account, totals]) => ({ account, ...totals })).sort((a, b) => a.account.localeCompare(b.account)),
      );
    });

    it('numbers attempts across restarts: an event that killed the first attempt sees attempt 2', async () => {
      const handledFile = join(folder.path, 'handled.txt');
      const args = [...opened.args, handledFile, 'handler', 'park', String(POISON), 'first-attempt'];
      expect(await runOnce(args)).to.equal('killed');
      const report = await runOnce(args);
      expect(report).to.not.equal('killed');
      expect((report as Report).deadLetters).to.deep.equal([]);
      const poisonId = (await collectAll()).find((recorded) => recorded.position === poisonPosition)?.eventId as string;
      expect(handledIds().get(poisonId)).to.deep.equal([2]);
    });

    it('retries such a dead letter like any other once the handler is fixed, counting it as processed', async () => {
      await restartUntilDone('handler', 'park');
      const fixed = await runOnce([...opened.args, join(folder.path, 'handled.txt'), 'handler', 'park', '0', 'always', 'retry']);
      const report = fixed as Report;
      expect(report.retried).to.deep.equal([true]);
      expect(report.deadLetters).to.deep.equal([]);
      expect(report.stats.deadLettered).to.equal(0);
      expect(report.stats.processed).to.equal(1);
      const poisonId = (await collectAll()).find((recorded) => recorded.position === poisonPosition)?.eventId as string;
      expect(handledIds().get(poisonId)).to.deep.equal([MAX_CRASHES + 1]);
    });

    it('does not count a kill while idle as an attempt at the events that come after it', async () => {
      const handledFile = join(folder.path, 'handled.txt');
      expect(await runOnce([...opened.args, handledFile, 'handler', 'park', '0', 'always', 'die-idle'])).to.equal('killed');
      const later = [];
      for (let amount = 101; amount <= 105; amount++)
        later.push((await opened.store.append({ type: 'Account', id: 'late' }, [new Deposit('late', amount)])).events[0]!.eventId);
      const report = await runOnce([...opened.args, handledFile, 'handler', 'park', '0']);
      expect(report).to.not.equal('killed');
      const handled = handledIds();
      expect(later.map((id) => handled.get(id))).to.deep.equal(later.map(() => [1]));
    });

    it('halts a batching projection on an event that kills it', async () => {
      const { kills, report } = await restartUntilDone('projection', 'halt');
      expect(kills).to.equal(MAX_CRASHES);
      expect(report.stats.state).to.equal('halted');
      expect(report.stats.checkpoint).to.equal(poisonPosition - 1);
      expectCrashLetter(report.deadLetters[0]!);
    });
  });
}
