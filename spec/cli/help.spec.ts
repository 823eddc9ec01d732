import { expect } from 'chai';
import { runCli } from './support/run-cli';

describe('eventfold --help', () => {
  const commands = [
    ['history'],
    ['streams'],
    ['tail'],
    ['status'],
    ['rebuild'],
    ['dead-letters'],
    ['dead-letters', 'list'],
    ['dead-letters', 'retry'],
    ['dead-letters', 'discard'],
    ['subscribers'],
    ['subscribers', 'reset'],
    ['processes'],
    ['processes', 'list'],
    ['ui'],
  ];

  it('lists every command', async () => {
    const { code, stdout } = await runCli(['--help']);

    expect(code).to.equal(0);
    expect(stdout).to.match(/^Usage: eventfold \[options\] \[command\]/);
    for (const [name] of commands) expect(stdout).to.match(new RegExp(`^  ${name} `, 'm'));
  });

  it('explains each command', async function () {
    this.timeout(60_000);
    const runs = await Promise.all(commands.map((command) => runCli([...command, '--help'])));

    runs.forEach(({ code, stdout }, index) => {
      expect(code, commands[index]!.join(' ')).to.equal(0);
      expect(stdout).to.match(new RegExp(`^Usage: eventfold ${commands[index]!.join(' ')} `));
    });
  });
});
