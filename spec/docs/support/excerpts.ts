// An excerpt is a block that shows lines of a file of the repository, with `// …` where lines are
// left out (`<!-- excerpt: examples/trading/order.ts -->`). It cannot compile on its own, so it
// is checked against the file instead: each run of lines between the `// …` must be lines of the
// file, in the same order. A first line `// <file name>` only names the file. The repository's
// examples import eventfold from its sources ('../../lib'); an excerpt shows the import an
// application writes ('eventfold').
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CodeBlock } from '../../support/markdown-blocks';
import { packageRoot } from '../../support/packed-package';
import { blockWhere } from './doc-programs';

/** What is wrong with an excerpt of `path` (relative to the repository's root); empty when nothing is. */
export function excerptProblems(block: CodeBlock, path: string): string[] {
  const file = join(packageRoot, path);
  if (path === '' || !existsSync(file) || !statSync(file).isFile()) return [`${blockWhere(block)}: <!-- excerpt: ${path} --> names no file of the repository.`];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => asApplicationImport(line, dirname(file)).trimEnd());
  const runs: Array<Array<{ text: string; line: number }>> = [[]];
  block.code
    .replace(/\n$/, '')
    .split('\n')
    .forEach((text, index) => {
      if (index === 0 && text.trim() === `// ${basename(path)}`) return;
      if (/^\s*\/\/ (…|\.\.\.)\s*$/.test(text)) runs.push([]);
      else runs[runs.length - 1]?.push({ text: text.trimEnd(), line: block.line + 1 + index });
    });
  let from = 0;
  for (const run of runs.filter((lines) => lines.length > 0)) {
    const at = lines.findIndex((_line, start) => start >= from && run.every(({ text }, offset) => lines[start + offset] === text));
    if (at >= 0) {
      from = at + run.length;
      continue;
    }
    // Name the first line that does not follow: the longest start of the run that is in the file.
    let matched = 0;
    for (let start = from; start < lines.length; start++) {
      let length = 0;
      while (length < run.length && lines[start + length] === run[length]?.text) length++;
      matched = Math.max(matched, length);
    }
    const wrong = run[matched] ?? run[0];
    return [
      `${blockWhere(block)}: line ${wrong?.line ?? block.line} of the excerpt is not where it should be in ${path}: \n    ${wrong?.text ?? ''}\n` +
        `(an excerpt is lines of the file in order, \`// …\` where some are left out).`,
    ];
  }
  return [];
}

/** `import { x } from '../../lib';` in a file of the repository, as an application writes it: `from 'eventfold'`. */
function asApplicationImport(line: string, folder: string): string {
  return line.replace(/(\bfrom\s+)'(\.{1,2}\/[^']*)'/, (whole, lead: string, specifier: string) => {
    const target = resolve(folder, specifier);
    if (target === join(packageRoot, 'lib')) return `${lead}'eventfold'`;
    if (target === join(packageRoot, 'lib', 'cli')) return `${lead}'eventfold/cli'`;
    if (target === join(packageRoot, 'lib', 'ui')) return `${lead}'eventfold/ui'`;
    return whole;
  });
}
