// Checks the commands the docs tell readers to type: `eventfold …` against what the installed
// command's --help lists, `npm run …` against package.json's scripts, `npx …` against the
// binaries the repository's dependencies install, `node <file>` against the files there are.
// Other programs (sqlite3, say) are the reader's own and pass.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../support/packed-package';

const run = promisify(execFile);

/** One option of a command, as its --help lists it: `-c, --config <file>`. */
interface OptionHelp {
  readonly flags: readonly string[];
  readonly takesValue: boolean;
}

/** What `eventfold [command…] --help` says. */
export interface CommandHelp {
  readonly text: string;
  readonly options: readonly OptionHelp[];
  readonly commands: readonly string[];
}

/** The `eventfold` command of an installed package, asked for its help once per command. */
export class EventfoldCli {
  private readonly helps = new Map<string, Promise<CommandHelp>>();

  constructor(private readonly bin: string) {}

  /** What `eventfold <args>` prints: its standard output, then its standard error. */
  async output(args: readonly string[]): Promise<string> {
    const { stdout, stderr } = await run(process.execPath, [this.bin, ...args], { env: { ...process.env, NO_COLOR: '1' } }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
    );
    return stdout + stderr;
  }

  /** The help of `eventfold <command…>`. */
  help(command: readonly string[]): Promise<CommandHelp> {
    const key = command.join(' ');
    if (!this.helps.has(key)) this.helps.set(key, this.output([...command, '--help']).then(parseHelp));
    return this.helps.get(key) as Promise<CommandHelp>;
  }

  /**
   * What is wrong with the arguments of one `eventfold` command line (without `eventfold`).
   * In a synopsis (`usage`), `<placeholders>`, `[`, `]` and `|` are notation.
   */
  async problems(args: readonly string[], usage = false): Promise<string[]> {
    const words = usage ? args.map((word) => word.replace(/[[\]]/g, '')).filter((word) => word !== '' && word !== '|' && !word.startsWith('<')) : args;
    const problems: string[] = [];
    const command: string[] = [];
    const scopes: CommandHelp[] = [await this.help([])];
    for (let index = 0; index < words.length; index++) {
      const word = words[index] ?? '';
      if (word.startsWith('-')) {
        const flag = word.split('=')[0] ?? word;
        const option = scopes
          .slice()
          .reverse()
          .flatMap((scope) => scope.options)
          .find((candidate) => candidate.flags.includes(flag));
        if (!option) problems.push(`eventfold ${command.join(' ')} has no option ${flag}`.replace('  ', ' '));
        else if (option.takesValue && !usage && !word.includes('=')) index++;
        continue;
      }
      const commands = scopes[scopes.length - 1]?.commands ?? [];
      if (commands.length === 0) continue; // an argument of the command
      if (!commands.includes(word)) {
        problems.push(`eventfold ${command.join(' ')} has no command '${word}' (it has ${commands.join(', ')})`.replace('  ', ' '));
        break;
      }
      command.push(word);
      scopes.push(await this.help(command));
    }
    return problems;
  }
}

/** Reads the Options: and Commands: sections of a --help text. */
export function parseHelp(text: string): CommandHelp {
  const options: OptionHelp[] = [];
  const commands: string[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) section = line.trim();
    const entry = /^ {2}(\S.*?)(?: {2,}|$)/.exec(line)?.[1];
    if (!entry) continue;
    if (section === 'Options:') options.push({ flags: entry.split(/[,\s]+/).filter((flag) => flag.startsWith('-')), takesValue: /[<[]/.test(entry) });
    if (section === 'Commands:') commands.push(entry.split(' ')[0] ?? '');
  }
  return { text, options, commands: commands.filter((name) => name !== 'help') };
}

/** The words of a shell line, quotes removed; `&&`, `||`, `|` and `;` are words of their own. */
export function shellWords(line: string): string[] {
  const words = line.match(/(?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"|;&])+|&&|\|\||[|;]/g) ?? [];
  return words.map((word) => word.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g, (_quoted, single?: string, double?: string) => single ?? double ?? ''));
}

const OPERATORS = ['&&', '||', '|', ';'];
const ASSIGNMENT = /^[A-Z_][A-Z0-9_]*=/;

/** The commands of a shell line (`A=1 npm test && npm run x`), each without the variables set before it. */
export function simpleCommands(line: string): string[][] {
  const commands: string[][] = [[]];
  for (const word of shellWords(line)) {
    if (OPERATORS.includes(word)) commands.push([]);
    else commands[commands.length - 1]?.push(word);
  }
  return commands.map((words) =>
    words.slice(
      Math.max(
        0,
        words.findIndex((word) => !ASSIGNMENT.test(word)),
      ),
    ),
  );
}

/** What is wrong with one line of shell: each of its commands is checked. */
export async function shellLineProblems(line: string, cli: EventfoldCli): Promise<string[]> {
  const problems: string[] = [];
  for (const [program, ...args] of simpleCommands(line)) {
    if (program === 'eventfold') problems.push(...(await cli.problems(args)));
    if (program === 'npx') {
      const at = args.findIndex((word) => !word.startsWith('-'));
      const [binary, ...rest] = at < 0 ? [] : args.slice(at);
      if (binary === 'eventfold') problems.push(...(await cli.problems(rest)));
      else if (binary && !existsSync(join(packageRoot, 'node_modules', '.bin', binary)))
        problems.push(`npx ${binary}: no dependency of the repository installs a '${binary}' binary`);
    }
    if (program === 'npm') problems.push(...npmProblems(args));
    if (program === 'node') {
      const file = args.find((word) => !word.startsWith('-'));
      if (file && !existsSync(join(packageRoot, file))) problems.push(`node ${file}: there is no such file in the repository (after npm run build:spec)`);
    }
  }
  return problems;
}

function npmProblems(args: readonly string[]): string[] {
  const scripts = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [verb, name] = args;
  if (verb === 'install' || verb === 'i' || verb === 'ci') return [];
  if (verb === 'test' || verb === 'start') return verb in scripts ? [] : [`npm ${verb}: package.json has no '${verb}' script`];
  if (verb === 'run') return name && name in scripts ? [] : [`npm run ${name ?? ''}: package.json has no such script (it has ${Object.keys(scripts).join(', ')})`];
  return [`npm ${args.join(' ')}: not an npm command the docs check knows (install, ci, test or run <script>)`];
}
