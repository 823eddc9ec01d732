import { expect } from 'chai';
import { join } from 'node:path';
import { ROOT, runCli, TRADING_CONFIG } from './support/run-cli';
import { query, tradingDatabaseCopy } from './support/trading-database';

/** The example's config with the notification service working again. */
const RESTORED_CONFIG = join(ROOT, 'spec', 'cli', 'fixtures', 'service-restored.config.ts');
const DOWN_CONFIG = join(ROOT, 'spec', 'cli', 'fixtures', 'service-down.config.ts');

interface Letter {
  id: number;
  subscriber: string;
  position: number;
  event_type: string;
  stream_id: string;
  attempts: number;
}

describe('eventfold dead-letters', () => {
  let db: string;
  let letters: Letter[];

  beforeEach(async function () {
    this.timeout(120_000);
    db = await tradingDatabaseCopy();
    letters = query<Letter>(db, 'select * from eventfold_dead_letters order by id');
    expect(letters.length, 'the example left no dead letters').to.be.greaterThan(0);
  });

  const ids = () => query<{ id: number }>(db, 'select id from eventfold_dead_letters order by id').map((row) => row.id);

  it('lists them, oldest first, with the error', async () => {
    const { code, stdout, stderr } = await runCli(['dead-letters', 'list', '--config', TRADING_CONFIG, '--db', db]);

    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^ID +SUBSCRIBER +POSITION +EVENT +STREAM +ATTEMPTS +FAILED AT +ERROR$/);
    expect(lines.slice(1)).to.have.length(letters.length);
    letters.forEach((letter, index) => {
      expect(lines[index + 1]).to.match(
        new RegExp(
          `^ *${letter.id} +fill-notifier +${letter.position} +OrderFilled +Order ${letter.stream_id} +3 +\\S+Z +notification service unavailable \\(attempt 3\\)$`,
        ),
      );
    });
  });

  it('lists them as JSON with --json', async () => {
    const { code, stdout } = await runCli(['dead-letters', 'list', '--json', '--db', db]);

    expect(code).to.equal(0);
    const listed = JSON.parse(stdout) as Array<{ id: number; subscriber: string; eventType: string; attempts: number }>;
    expect(listed.map(({ id, subscriber, eventType, attempts }) => ({ id, subscriber, eventType, attempts }))).to.deep.equal(
      letters.map((letter) => ({ id: letter.id, subscriber: 'fill-notifier', eventType: 'OrderFilled', attempts: 3 })),
    );
  });

  it('retries one once the cause is fixed: it succeeds and is removed', async () => {
    const [first] = letters;

    const { code, stdout, stderr } = await runCli(['dead-letters', 'retry', String(first!.id), '--config', RESTORED_CONFIG, '--db', db]);

    expect(code, stderr).to.equal(0);
    expect(stdout).to.equal(`Dead letter ${first!.id} (fill-notifier, position ${first!.position}, OrderFilled): succeeded, removed.\n`);
    expect(ids()).to.deep.equal(letters.slice(1).map((letter) => letter.id));
    expect(query(db, 'select * from notifications where order_id = ?', first!.stream_id)).to.have.length.greaterThan(0);
  });

  it('retries all with --all', async () => {
    const { code, stdout } = await runCli(['dead-letters', 'retry', '--all', '--config', RESTORED_CONFIG, '--db', db]);

    expect(code).to.equal(0);
    expect(stdout.trimEnd().split('\n'))
      .to.have.length(letters.length)
      .and.to.satisfy((lines: string[]) => lines.every((line) => line.endsWith('succeeded, removed.')));
    expect(ids()).to.deep.equal([]);
  });

  it('fails with exit code 1 when a retried one fails again, and keeps it', async () => {
    const [first] = letters;

    const { code, stdout, stderr } = await runCli(['dead-letters', 'retry', String(first!.id), '--config', DOWN_CONFIG, '--db', db]);

    expect(code).to.equal(1);
    // Attempts are numbered on from the three the dead letter already had.
    expect(stdout).to.equal(
      `Dead letter ${first!.id} (fill-notifier, position ${first!.position}, OrderFilled): failed again: notification service unavailable (attempt 6)\n`,
    );
    expect(stderr).to.equal(`error: 1 of 1 dead letter failed again and stays in the dead letters (id ${first!.id}). Fix the cause and retry, or discard them.\n`);
    expect(ids()).to.deep.equal(letters.map((letter) => letter.id));
    expect(query<{ attempts: number }>(db, 'select attempts from eventfold_dead_letters where id = ?', first!.id)[0]!.attempts).to.equal(6);
  });

  it('discards one for good', async () => {
    const last = letters[letters.length - 1]!;

    const { code, stdout } = await runCli(['dead-letters', 'discard', String(last.id), '--db', db]);

    expect(code).to.equal(0);
    expect(stdout).to.equal(`Dead letter ${last.id} (fill-notifier, position ${last.position}, OrderFilled): discarded.\n`);
    expect(ids()).to.deep.equal(letters.slice(0, -1).map((letter) => letter.id));
  });

  it('fails on an id that names no dead letter', async () => {
    const { code, stderr } = await runCli(['dead-letters', 'discard', '9999', '--db', db]);

    expect(code).to.equal(1);
    expect(stderr).to.match(/^error: No dead letter has id 9999\. Dead letters now: id [\d, ]+( and \d+ more)?\. List them with: eventfold dead-letters list\n$/);
    expect(stderr).to.contain(`id ${letters[0]!.id}`);
  });

  it('takes ids or --all, not neither', async () => {
    const { code, stderr } = await runCli(['dead-letters', 'retry', '--config', TRADING_CONFIG, '--db', db]);

    expect(code).to.equal(2);
    expect(stderr).to.contain('error: give the ids of the dead letters, or --all.');
  });
});
