// The code examples of TSDoc comments: the ```ts fences inside `/** … */` comments of a
// TypeScript file, so that specs can compile what an editor shows as a symbol's example.
import { readFileSync } from 'node:fs';
import type { CodeBlock } from './markdown-blocks';

/** Every ```ts fence inside a TSDoc comment of `file`, its ` * ` margin removed, in order. */
export function tsdocExamples(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const examples: CodeBlock[] = [];
  let inComment = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (/^\s*\/\*\*/.test(line)) inComment = true;
    if (inComment && /^\s*\*\s?```ts\s*$/.test(line)) {
      const body: string[] = [];
      let end = index + 1;
      while (end < lines.length && !/^\s*\*\s?```/.test(lines[end] ?? '')) body.push((lines[end++] ?? '').replace(/^\s*\*( |$)/, ''));
      examples.push({ file, line: index + 1, language: 'ts', heading: '', directive: '', code: body.join('\n') + '\n' });
      index = end;
      continue;
    }
    if (line.includes('*/')) inComment = false;
  }
  return examples;
}
