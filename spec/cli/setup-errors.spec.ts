import { expect } from 'chai';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, TRADING_CONFIG } from './support/run-cli';
import { scratchFolder, tradingDatabase } from './support/trading-database';

describe('eventfold with a missing or wrong config or database', () => {
  it('says the database does not exist, and does not create it', async () => {
    const folder = scratchFolder();

    const { code, stdout, stderr } = await runCli(['status', '--config', TRADING_CONFIG, '--db', 'nowhere.db'], { cwd: folder });

    expect(code).to.equal(1);
    expect(stdout).to.equal('');
    expect(stderr).to.equal("error: Database nowhere.db does not exist. Check --db (or the config's database), or run the application once to create it.\n");
    expect((await runCli(['streams', '--db', 'nowhere.db'], { cwd: folder })).code).to.equal(1);
    expect(existsSync(join(folder, 'nowhere.db'))).to.equal(false);
  });

  it('says no config was found, and where it looked, when a command needs one', async () => {
    const folder = scratchFolder();

    const { code, stderr } = await runCli(['history', 'Order', 'ord-000001', '--db', await tradingDatabase()], { cwd: folder });

    expect(code).to.equal(1);
    expect(stderr).to.equal(
      `error: No eventfold config in ${folder} (looked for eventfold.config.ts, eventfold.config.mts, eventfold.config.cts, eventfold.config.js, eventfold.config.cjs, eventfold.config.mjs). ` +
        'Create eventfold.config.ts exporting defineConfig({ ... }) as default, or pass --config <file>.\n',
    );
  });

  it('says the --config file does not exist', async () => {
    const { code, stderr } = await runCli(['status', '--config', 'missing.config.ts', '--db', await tradingDatabase()]);

    expect(code).to.equal(1);
    expect(stderr).to.equal('error: Config file missing.config.ts does not exist. Check the path given to --config.\n');
  });

  it('says what is wrong with a config that exports something else', async () => {
    const folder = scratchFolder();
    writeFileSync(join(folder, 'eventfold.config.js'), "module.exports = { database: 'trading.db', aggregates: 'Order' };\n");

    const { code, stderr } = await runCli(['streams'], { cwd: folder });

    expect(code).to.equal(1);
    expect(stderr).to.equal(`error: Config ${join(folder, 'eventfold.config.js')} has an invalid aggregates: expected an array of aggregate classes, got a string.\n`);
  });

  it("takes the database from the config's database when --db is not given", async () => {
    const folder = scratchFolder();
    writeFileSync(join(folder, 'eventfold.config.js'), `module.exports = { database: ${JSON.stringify(await tradingDatabase())} };\n`);

    const { code, stdout } = await runCli(['streams', '--type', 'Position'], { cwd: folder });

    expect(code).to.equal(0);
    expect(stdout).to.match(/^TYPE +ID +EVENTS +LAST EVENT\nPosition +KRW-/);
  });

  it('refuses a file that is not an eventfold database', async () => {
    const folder = scratchFolder();
    writeFileSync(join(folder, 'notes.db'), 'not a database');

    const { code, stderr } = await runCli(['streams', '--db', 'notes.db'], { cwd: folder });

    expect(code).to.equal(1);
    expect(stderr).to.equal("error: notes.db is not an eventfold database: it is not an SQLite file. Check --db (or the config's database).\n");
  });

  it('rejects an unknown command with exit code 2', async () => {
    const { code, stderr } = await runCli(['histroy']);

    expect(code).to.equal(2);
    expect(stderr).to.contain("error: unknown command 'histroy'");
  });
});
