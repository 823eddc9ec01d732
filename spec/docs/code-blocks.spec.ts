// Every code block of README.md and docs/*.md is checked, as read from the Markdown when the spec
// runs (a new page of docs/ is picked up by itself), against the package as npm installs it from
// its packed tarball. The HTML comment on the line above a fence says what kind of block it is:
//
// ```ts   a program: a module of an ES module application that uses the README's tsconfig.json
//         (plus @types/node). Compiled on TypeScript 5 and 7, run with Node.js, and it must exit
//         0 by itself. A `//` comment at the end of a console.log statement, or on the lines right
//         below it (below the loop, for a loop that prints), is what it prints: checked, `...`
//         standing for any text. Put prose comments elsewhere, or after a blank line.
//   <!-- continues -->             goes on from the ts block before it: together one program.
//   <!-- continues: <heading> -->  goes on from the ts block under that heading.
//   <!-- commonjs -->              a program compiled and run as CommonJS (a .cts file).
//   <!-- postgres -->              needs PostgreSQL: compiled always, run only when
//                                  EVENTFOLD_POSTGRES_URL is set, with DATABASE_URL naming a new,
//                                  empty database on that server.
//   <!-- excerpt: <path> -->       lines of a file of the repository, `// …` where lines are left
//                                  out; checked against the file instead of compiled.
// ```json parses.
// ```sh   every command is checked: `eventfold …`/`npx eventfold …` against the installed command's
//         --help (commands and options), `npm run x` against package.json's scripts, `npx x`
//         against the repository's binaries, `node <file>` against its files.
// ```text needs a directive:
//   <!-- output -->                what the program above prints: each line checked, in order.
//   <!-- transcript -->            a shell session from a real run: the `$` lines are checked as
//                                  commands, and the output of `eventfold … --help` against the
//                                  command's; other output is not checked.
//   <!-- usage -->                 a command synopsis: its commands and options are checked.
//   <!-- not checked: <why> -->    text nothing can check, such as a formula.
// Any other language, or none, fails with a message that says how to mark the block.
//
// TSDoc examples of lib/ are checked by tsdoc-examples.spec.ts, links by links.spec.ts.
import { codeBlocks, type CodeBlock } from '../support/markdown-blocks';
import { postgresUrlOrReportSkip } from '../support/backends';
import { compilers } from '../support/packed-package';
import { directiveProblem, parseDirective } from './support/block-directive';
import { blockWhere, docPrograms, documentationFiles, originOf } from './support/doc-programs';
import { docsProject, RUN_TIMEOUT_MS, withFreshDatabase, type DocsProject, type ProgramRun } from './support/docs-project';
import { excerptProblems } from './support/excerpts';
import { checkOutputBlock, checkPrintedComments, printedComments } from './support/printed-output';
import { EventfoldCli, shellLineProblems } from './support/shell-commands';
import { where } from './support/source-text';
import { expectNone } from './support/expect-none';

describe('Code blocks of the README and docs/', function () {
  this.timeout(RUN_TIMEOUT_MS + 60_000);
  const files = documentationFiles();
  const blocks = files.flatMap(codeBlocks);
  const blocksIn = (language: string) => blocks.filter((block) => block.language === language);
  let project: DocsProject;
  let cli: EventfoldCli;

  before(async () => {
    project = await docsProject();
    cli = new EventfoldCli(project.bin);
    // Both compilers at once; the specs below read their results.
    await Promise.all(compilers.map((compiler) => project.compile(compiler)));
  });

  it('are each marked with a language, and a directive, that the check knows', () => {
    const problems = blocks.flatMap((block) => {
      const problem = directiveProblem(block.language, parseDirective(block.directive));
      return problem ? [`${blockWhere(block)}: ${problem}`] : [];
    });
    expectNone([...problems, ...project.problems]);
  });

  for (const compiler of compilers) {
    it(`that are TypeScript compile as modules of an application, on ${compiler.name}`, async () => {
      const errors = await project.compile(compiler);
      expectNone(errors.filter(({ tsdoc }) => !tsdoc).map(({ text }) => text));
    });
  }

  describe('that are TypeScript programs', () => {
    for (const program of files.flatMap((file) => docPrograms(file).programs)) {
      it(`${program.title} runs${program.postgres ? ' on PostgreSQL (skipped without EVENTFOLD_POSTGRES_URL)' : ''}, and prints what the docs say`, async function () {
        const url = program.postgres ? postgresUrlOrReportSkip() : undefined;
        if (program.postgres && !url) this.skip();
        const result = url ? await withFreshDatabase(url, (databaseUrl) => project.run(program, { DATABASE_URL: databaseUrl })) : await project.run(program);
        expectNone([
          ...runProblems(program.title, result),
          ...checkPrintedComments(printedComments(program.source), result.printed),
          ...program.outputs.flatMap((output) => checkOutputBlock(output, result.printed)),
        ]);
      });
    }
  });

  it('that are JSON parse', () => {
    expectNone(
      blocksIn('json').flatMap((block) => {
        try {
          JSON.parse(block.code);
          return [];
        } catch (error) {
          return [`${blockWhere(block)}: ${(error as Error).message}`];
        }
      }),
    );
  });

  it('that are shell commands, transcripts or synopses name real commands, options, scripts and files', async () => {
    const problems: string[] = [];
    for (const block of blocks) {
      const kind = parseDirective(block.directive).name;
      const commands = block.language === 'sh' ? shellLines(block) : block.language === 'text' && kind === 'transcript' ? promptLines(block) : [];
      for (const { text, line } of commands) {
        for (const problem of await shellLineProblems(text, cli)) problems.push(`${where(originOf(block, line))}: ${problem}`);
      }
      if (block.language === 'text' && kind === 'usage') {
        for (const { text, line } of shellLines(block)) {
          const [program, ...args] = text.split(/\s+/);
          const found = program === 'eventfold' ? await cli.problems(args, true) : [`a synopsis of '${program ?? ''}', which is not eventfold`];
          problems.push(...found.map((problem) => `${where(originOf(block, line))}: ${problem}`));
        }
      }
    }
    expectNone(problems);
  });

  it('that are transcripts of eventfold --help show what it prints', async () => {
    const problems: string[] = [];
    for (const block of blocksIn('text').filter((candidate) => parseDirective(candidate.directive).name === 'transcript')) {
      const lines = block.code.replace(/\n$/, '').split('\n');
      for (const { text, line } of promptLines(block)) {
        const args = text.split(/\s+/).slice(text.startsWith('npx ') ? 2 : 1);
        if (!/^(npx )?eventfold\b/.test(text) || !args.some((arg) => arg === '--help' || arg === '-h')) continue;
        const start = line - block.line;
        const end = lines.findIndex((candidate, index) => index >= start && candidate.startsWith('$ '));
        const shown = lines.slice(start, end < 0 ? undefined : end).map((candidate) => candidate.trimEnd());
        const printed = (await cli.output(args)).replace(/\n$/, '').split('\n');
        const differs = printed.findIndex((candidate, index) => candidate.trimEnd() !== shown[index]);
        if (differs >= 0 || shown.length !== printed.length) {
          const at = differs >= 0 ? differs : Math.min(shown.length, printed.length);
          problems.push(
            `${where(originOf(block, line + 1 + at))}: \`${text}\` prints\n    ${printed[at] ?? '(nothing more)'}\nwhere the transcript shows\n    ${shown[at] ?? '(nothing more)'}`,
          );
        }
      }
    }
    expectNone(problems);
  });

  it('that are excerpts are lines of the files they name', () => {
    expectNone(
      blocksIn('ts').flatMap((block) => {
        const { name, value } = parseDirective(block.directive);
        return name === 'excerpt' ? excerptProblems(block, value) : [];
      }),
    );
  });
});

/** Why a run failed: an exit code other than 0, or no exit at all. */
function runProblems(title: string, result: ProgramRun): string[] {
  if (result.exitCode === 0) return [];
  const how = result.exitCode === null ? `did not exit within ${RUN_TIMEOUT_MS / 1000} s (killed with ${result.signal ?? 'a signal'})` : `exited with ${result.exitCode}`;
  return [`${title}: the program ${how}${result.stderr ? `; it printed on stderr:\n${result.stderr.trimEnd()}` : ''}`];
}

/** The lines of a block with their numbers in the file (a line that ends with `\` joined to the next): commands of a shell block, a synopsis. */
function shellLines(block: CodeBlock): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = [];
  let continued = false;
  block.code
    .replace(/\n$/, '')
    .split('\n')
    .forEach((text, index) => {
      const last = lines[lines.length - 1];
      if (continued && last) last.text = `${last.text.slice(0, -1)} ${text.trim()}`;
      else lines.push({ text: text.replace(/^\$ /, '').trim(), line: block.line + 1 + index });
      continued = text.trimEnd().endsWith('\\');
    });
  return lines.filter(({ text }) => text !== '' && !text.startsWith('#'));
}

/** The `$ ` lines of a transcript, without the prompt. */
function promptLines(block: CodeBlock): Array<{ text: string; line: number }> {
  return block.code
    .split('\n')
    .map((text, index) => ({ text, line: block.line + 1 + index }))
    .filter(({ text }) => text.startsWith('$ '))
    .map(({ text, line }) => ({ text: text.slice(2).trim(), line }));
}
