// The HTML comment above a code block says what kind of block it is (see spec/docs/code-blocks.spec.ts):
// `<!-- continues -->`, `<!-- excerpt: examples/trading/order.ts -->`, `<!-- output -->`…

/** A directive: `continues: Quick start` has the name `continues` and the value `Quick start`. */
export interface Directive {
  readonly name: string;
  readonly value: string;
}

/** Reads the directive of a block (its `directive` text); both parts are empty when there is none. */
export function parseDirective(text: string): Directive {
  const colon = text.indexOf(':');
  return colon < 0 ? { name: text.trim(), value: '' } : { name: text.slice(0, colon).trim(), value: text.slice(colon + 1).trim() };
}

/** The directives each language knows, with what they mean, for the message that names them. */
export const DIRECTIVES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ts: {
    '': 'a program: compiled, and run',
    continues: 'goes on from the TypeScript block before it (or, `continues: <heading>`, from the one under that heading) as one program',
    commonjs: 'a program compiled and run as CommonJS',
    postgres: 'a program that needs PostgreSQL: compiled always, run when EVENTFOLD_POSTGRES_URL is set (given to it as DATABASE_URL)',
    excerpt: '`excerpt: <file>`: lines of a file of the repository, `// …` where some are left out; checked against that file',
  },
  text: {
    output: 'what the program above prints: each line is checked, in order, `...` standing for any text',
    transcript: 'a shell session: the commands on `$` lines are checked, and the output of `--help`; other output is from a real run',
    usage: 'a command synopsis: its commands and options are checked',
    'not checked': '`not checked: <why>`: text nothing can check, such as a formula',
  },
  json: { '': 'parsed' },
  sh: { '': 'every command is checked: eventfold commands and options, npm scripts, npx binaries, node files' },
};

/** Why a block's language or directive is not one of the known ones, or undefined when it is. */
export function directiveProblem(language: string, directive: Directive): string | undefined {
  const known = DIRECTIVES[language];
  const list = (table: Readonly<Record<string, string>>) =>
    Object.entries(table)
      .map(([name, meaning]) => (name ? `<!-- ${name} --> (${meaning})` : `no directive (${meaning})`))
      .join('; ');
  if (!known) {
    const languages = Object.keys(DIRECTIVES)
      .map((name) => '```' + name)
      .join(', ');
    return `${language ? `\`\`\`${language} is not a language the docs check knows` : 'the block has no language'}: mark it ${languages}.`;
  }
  if (directive.name in known) return undefined;
  if (directive.name === '') return `a \`\`\`${language} block needs a directive on the line above its fence: ${list(known)}.`;
  return `<!-- ${directive.name} --> is not a directive for \`\`\`${language} blocks; use ${list(known)}.`;
}
