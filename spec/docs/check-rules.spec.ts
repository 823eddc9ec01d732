// The rules the docs check applies (see code-blocks.spec.ts), each shown on a small input, so
// that a check that passes is known to be able to fail.
import { expect } from 'chai';
import { join } from 'node:path';
import { headingSlug } from '../support/markdown-links';
import { packageRoot } from '../support/packed-package';
import { excerptProblems } from './support/excerpts';
import { checkPrintedComments, matches, printedComments } from './support/printed-output';
import { EventfoldCli, shellWords, simpleCommands } from './support/shell-commands';
import { SourceText } from './support/source-text';

function program(code: string): SourceText {
  const source = new SourceText();
  source.add(code, { file: 'docs/page.md', line: 10 });
  return source;
}

const comments = (code: string) => printedComments(program(code)).map(({ origin, text }) => `${origin.line}: ${text}`);

describe('The docs check', () => {
  describe('what a program prints', () => {
    it('is the comment at the end of a console.log statement', () => {
      expect(comments(`const total = 1 + 1;\nconsole.log(total); // 2\n`)).to.deep.equal(['11: 2']);
    });

    it('is the comment lines below a loop that prints, up to a blank line', () => {
      const code = `for (const n of [1, 2]) {\n  console.log(n);\n}\n// 1\n// 2\n\n// Prose after a blank line.\n`;
      expect(comments(code)).to.deep.equal(['13: 1', '14: 2']);
    });

    it('is not a comment of a statement that does not print, nor one inside a function that prints later', () => {
      const code = `const store = 1; // the store\nconst log = () => console.log(store); // 1\nlog();\n`;
      expect(comments(code)).to.deep.equal([]);
    });

    it('is checked in order, passing over lines the docs leave out, with ... for any text', () => {
      const expected = printedComments(program(`console.log(1); // id ...\nconsole.log(2); // done\n`));
      expect(checkPrintedComments(expected, ['id 01a2', 'progress', 'done'])).to.deep.equal([]);
      expect(checkPrintedComments(expected, ['done', 'id 01a2'])).to.have.length(1);
    });

    it('is compared with runs of spaces and line breaks as one space', () => {
      const expected = printedComments(program(`console.log(rows); // [ { id: 1 } ]\n`));
      expect(checkPrintedComments(expected, ['[\n  { id: 1 }\n]'])).to.deep.equal([]);
      expect(matches('a … c', 'a b c')).to.equal(true);
      expect(matches('a b', 'a b c')).to.equal(false);
    });
  });

  describe('an excerpt', () => {
    const block = (code: string) => ({ file: join(packageRoot, 'docs', 'page.md'), line: 1, language: 'ts', heading: '', directive: '', code });

    it('is lines of its file in order, with // … where lines are left out, and imports as an application writes them', () => {
      const code = `// eventfold.config.ts\nimport { defineConfig } from 'eventfold/cli';\n// …\nexport default defineConfig({\n  database: 'trading.db',\n`;
      expect(excerptProblems(block(code), 'examples/trading/eventfold.config.ts')).to.deep.equal([]);
    });

    it('names the first of its lines that is not in the file', () => {
      const [problem] = excerptProblems(block(`export default defineConfig({\n  database: 'other.db',\n`), 'examples/trading/eventfold.config.ts');
      expect(problem).to.include("database: 'other.db'");
    });
  });

  it('reads the commands of a shell line without the variables set before them', () => {
    expect(simpleCommands(`A=1 B='x y' npm test && npx eventfold status --db "my file.db" | head`)).to.deep.equal([
      ['npm', 'test'],
      ['npx', 'eventfold', 'status', '--db', 'my file.db'],
      ['head'],
    ]);
  });

  describe('an eventfold command line', () => {
    const cli = new EventfoldCli(join(packageRoot, 'bin', 'eventfold.js'));

    it('names a command the program has', async () => {
      expect(await cli.problems(shellWords('histroy Order o-1'))).to.deep.equal([
        "eventfold has no command 'histroy' (it has history, streams, tail, status, rebuild, dead-letters, subscribers, processes, ui)",
      ]);
    });

    it('gives the command options it has, with their values', async () => {
      expect(await cli.problems(shellWords('history Order o-1 --version 2 --config app.config.ts'))).to.deep.equal([]);
      expect(await cli.problems(shellWords('status --type Order'))).to.deep.equal(['eventfold status has no option --type']);
    });

    it('names subcommands of dead-letters', async () => {
      expect(await cli.problems(shellWords('dead-letters retry --all --subscriber open-orders'))).to.deep.equal([]);
      expect(await cli.problems(shellWords('dead-letters resume 3'))).to.have.length(1);
    });
  });

  it('makes the anchors of headings as GitHub does', () => {
    expect(headingSlug('Write only through `context.db`')).to.equal('write-only-through-contextdb');
    expect(headingSlug('What is stored exactly, and what is refused')).to.equal('what-is-stored-exactly-and-what-is-refused');
  });
});
