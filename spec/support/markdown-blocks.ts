// The fenced code blocks of a Markdown file, with where they stand, so that specs can compile and
// run the code the README and docs/ print rather than a copy of it that could drift.
import { readFileSync } from 'node:fs';

/** One fenced code block. */
export interface CodeBlock {
  /** The file it is in. */
  readonly file: string;
  /** The line of its opening fence, counting from 1. */
  readonly line: number;
  /** The fence's info string: `ts`, `json`, `sh`… (empty when there is none). */
  readonly language: string;
  /** The nearest heading above it, without its `#`s. */
  readonly heading: string;
  /** The text of an HTML comment on the line just above the fence (`<!-- … -->`), trimmed. */
  readonly directive: string;
  /** Its text, without the fences, the indentation of the fence removed. */
  readonly code: string;
}

/** Every fenced code block of `file`, in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let heading = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heads = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heads) heading = heads[2]?.trim() ?? '';
    const fence = /^(\s*)(`{3,})\s*([\w-]*)/.exec(line);
    if (!fence) continue;
    const [, indent = '', ticks = '', language = ''] = fence;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith(ticks)) (body.push((lines[end] ?? '').slice(indent.length)), end++);
    const above = (lines[index - 1] ?? '').trim();
    const directive = /^<!--(.*)-->$/.exec(above)?.[1]?.trim() ?? '';
    blocks.push({ file, line: index + 1, language, heading, directive, code: body.join('\n') + '\n' });
    index = end;
  }
  return blocks;
}

/** The one block of `file` under `heading` in `language`; throws, naming both, when there is not exactly one. */
export function blockUnder(file: string, heading: string, language: string): CodeBlock {
  const found = codeBlocks(file).filter((block) => block.heading === heading && block.language === language);
  if (found.length !== 1 || !found[0]) throw new Error(`expected one ${language} block under "${heading}" in ${file}, found ${found.length}`);
  return found[0];
}
