// Writes docs/api.md, the list of everything the package exports, from the published declarations
// (dist/cjs, built with stripInternal) and their TSDoc comments: `npm run docs:api` after a build.
// A spec checks that the page is current and that every export has a comment to show.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');

/** The entry points users import, and the declarations that describe them. */
const ENTRY_POINTS = [
  { specifier: 'eventfold', declarations: 'dist/cjs/index.d.ts' },
  { specifier: 'eventfold/cli', declarations: 'dist/cjs/cli/index.d.ts' },
  { specifier: 'eventfold/testing', declarations: 'dist/cjs/testing/index.d.ts' },
  { specifier: 'eventfold/ui', declarations: 'dist/cjs/ui/index.d.ts' },
];

/** Section titles for the folders of lib/, in the order the guides introduce them. */
const SECTIONS = {
  events: 'Events',
  aggregates: 'Aggregates and repositories',
  store: 'The event store',
  'event-store': 'The event store',
  subscriptions: 'Subscriptions',
  errors: 'Errors',
  cli: 'Command line configuration',
  testing: 'Testing',
  ui: 'Event browser',
};

function main() {
  const target = path.join(root, 'docs', 'api.md');
  const text = apiReference();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== text) {
      process.stderr.write('docs/api.md is out of date: run npm run build && npm run docs:api\n');
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(target, text);
}

/** The text of docs/api.md. */
function apiReference() {
  const entries = ENTRY_POINTS.filter((entry) => fs.existsSync(path.join(root, entry.declarations)));
  const program = ts.createProgram(
    entries.map((entry) => path.join(root, entry.declarations)),
    { strict: true, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const guides = guidePages();
  const lines = [
    '# API reference',
    '',
    'Everything the package exports, by entry point and by topic, with the first sentence of its',
    'documentation comment and the guide that explains it. Editors show the full comments; this',
    'page is written from them by `npm run docs:api`, and the test suite checks that it is current.',
    '',
  ];
  for (const entry of entries) {
    const source = program.getSourceFile(path.join(root, entry.declarations));
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`write-api-reference: ${entry.declarations} is not a module`);
    lines.push(`## \`${entry.specifier}\``, '');
    const bySection = new Map();
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      const folder = path.relative(path.join(root, 'dist', 'cjs'), declaration.getSourceFile().fileName).split(path.sep)[0];
      const section = SECTIONS[folder] ?? 'Other';
      if (!bySection.has(section)) bySection.set(section, []);
      bySection.get(section).push({ name: exported.getName(), kind: kindOf(declaration), summary: summaryOf(symbol, checker), guide: guides(exported.getName()) });
    }
    const order = [...new Set(Object.values(SECTIONS))];
    for (const section of [...bySection.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b))) {
      lines.push(`### ${section}`, '', '| Name | Kind | What it is | Guide |', '| --- | --- | --- | --- |');
      for (const item of bySection.get(section).sort((a, b) => a.name.localeCompare(b.name))) {
        lines.push(`| \`${item.name}\` | ${item.kind} | ${item.summary} | ${item.guide} |`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}

function kindOf(declaration) {
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isVariableDeclaration(declaration)) return 'constant';
  if (ts.isEnumDeclaration(declaration)) return 'enum';
  return 'value';
}

/** The first sentence of a symbol's TSDoc, on one line, with `{@link X}` shown as `X`. */
function summaryOf(symbol, checker) {
  const text = ts
    .displayPartsToString(symbol.getDocumentationComment(checker))
    .replace(/\{@link\s+([^}|\s]+)\s*(?:\|\s*([^}]+?)\s*)?\}/g, (_match, target, label) => `\`${label ?? target}\``)
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return '**undocumented**';
  const sentence = /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
  return sentence.replace(/\|/g, '\\|');
}

/** For a name, a link to the first guide in docs/ (or the README) that mentions it. */
function guidePages() {
  const pages = [
    ['README.md', '../README.md'],
    ...fs
      .readdirSync(path.join(root, 'docs'))
      .filter((name) => name.endsWith('.md') && name !== 'api.md')
      .sort()
      .map((name) => [path.join('docs', name), name]),
  ].map(([file, link]) => ({ link, title: link.replace(/^\.\.\//, '').replace(/\.md$/, ''), text: fs.readFileSync(path.join(root, file), 'utf8') }));
  return (name) => {
    const page = pages.find((candidate) => new RegExp(`\\b${name}\\b`).test(candidate.text));
    return page ? `[${page.title}](${page.link})` : '';
  };
}

main();
