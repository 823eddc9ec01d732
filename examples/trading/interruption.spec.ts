import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = join(__dirname, 'main.js');

/**
 * Runs the example's entry point; once `interruptAfter` was printed, it is sent `signal`: Ctrl-C's
 * SIGINT, or a SIGKILL that leaves no chance to stop cleanly.
 */
function runExample(args: string[], interruptAfter?: string, signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (interruptAfter && output.includes(interruptAfter) && !child.killed) child.kill(signal);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('Trading example interrupted with Ctrl-C', function () {
  this.timeout(120_000);
  let folder: string;
  before(() => (folder = mkdtempSync(join(tmpdir(), 'eventfold-interrupt-'))));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('stops at once, and the next run redelivers what the subscribers had not finished', async () => {
    const database = join(folder, 'trading.db');
    const interrupted = await runExample(['--db', database, '--orders', '400'], '100 orders placed');
    expect(interrupted.code).to.equal(130);
    expect(interrupted.output).to.match(/Interrupted after \d+ orders\. Behind the log: .*\. The next run redelivers those events\./);

    const next = await runExample(['--db', database, '--orders', '20']);
    expect(next.code, next.output).to.equal(0);
    expect(next.output).to.match(/redelivering \d+ events it had not finished when the last run stopped/);
    expect(next.output).to.match(/Caught up with the log in/);
    expect(next.output).to.contain('Summary');
  });

  it('stops at once on Ctrl-C while it waits for subscribers, here for the leases of a killed run', async () => {
    const database = join(folder, 'killed.db');
    const killed = await runExample(['--db', database, '--orders', '400'], '100 orders placed', 'SIGKILL');
    expect(killed.code).to.equal(null);

    // The killed run's leases hold for their lease time; Ctrl-C must not wait for them to run out.
    const waiting = await runExample(['--db', database, '--orders', '20'], 'Waiting for the leases of');
    expect(waiting.code, waiting.output).to.equal(130);
    expect(waiting.output).to.match(/Interrupted after 0 orders\. Behind the log: .*\. The next run redelivers those events\./);
    expect(waiting.output).not.to.contain('Caught up with the log');
  });
});
