// What the docs say a program prints, and whether it did. Two places say it:
//
// - comments: a `//` comment at the end of a statement that calls console.log (or .info, .warn,
//   .error), or on the lines right below it, is what that statement prints, one comment line per
//   call. For a loop or an `if` that prints, the comment lines right below the loop or the `if`.
//   A blank line ends the comment; a comment elsewhere is prose.
// - a ```text block marked <!-- output -->, below the program: lines it prints.
//
// Either is checked in order against what the program printed, passing over what the docs leave
// out; `...` (or `…`) stands for any text, and comments are compared with runs of spaces and line
// breaks made one space, since Node.js breaks long objects over several lines.
import ts from 'typescript';
import type { CodeBlock } from '../../support/markdown-blocks';
import { originOf } from './doc-programs';
import { where, type Origin, type SourceText } from './source-text';

/** A line the docs say a program prints. */
export interface PrintedLine {
  readonly origin: Origin;
  readonly text: string;
}

/** The comments of `source` that say what a statement prints, in order. */
export function printedComments(source: SourceText): PrintedLine[] {
  const text = source.text;
  const file = ts.createSourceFile('program.ts', text, ts.ScriptTarget.Latest, true);
  const found = new Map<number, PrintedLine>();
  const collect = (statement: ts.Node) => {
    for (const range of commentsBelow(text, statement.end)) {
      const line = file.getLineAndCharacterOfPosition(range.pos).line + 1;
      const origin = source.origin(line);
      if (origin) found.set(range.pos, { origin, text: text.slice(range.pos + 2, range.end).trim() });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isConsoleCall(node.expression)) {
      for (let up: ts.Node = node.parent; !ts.isSourceFile(up) && !ts.isFunctionLike(up); up = up.parent) {
        if (isStatement(up)) collect(up);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, line]) => line);
}

/**
 * What is wrong with `printed` (one entry per console call) given the comments that say what it
 * prints; empty when every comment line was printed, in order.
 */
export function checkPrintedComments(expected: readonly PrintedLine[], printed: readonly string[]): string[] {
  const calls = printed.map(oneLine);
  return checkInOrder(
    expected.map(({ origin, text }) => ({ where: where(origin), text: oneLine(text) })),
    calls,
  );
}

/** What is wrong with `printed` given an <!-- output --> block; empty when each of its lines was printed, in order. */
export function checkOutputBlock(block: CodeBlock, printed: readonly string[]): string[] {
  const lines = printed.flatMap((call) => call.split('\n')).map((line) => line.trimEnd());
  const expected = block.code
    .replace(/\n$/, '')
    .split('\n')
    .map((text, index) => ({ where: where(originOf(block, block.line + 1 + index)), text: text.trimEnd() }))
    .filter(({ text }) => text !== '');
  return checkInOrder(expected, lines);
}

function checkInOrder(expected: ReadonlyArray<{ where: string; text: string }>, printed: readonly string[]): string[] {
  let next = 0;
  for (const line of expected) {
    const at = printed.findIndex((candidate, index) => index >= next && matches(line.text, candidate));
    if (at < 0) {
      const after = printed.slice(next, next + 12).map((candidate) => `    ${candidate}`);
      return [
        `${line.where}: the docs say the program prints\n    ${line.text}\nbut after the lines matched before it, it printed${after.length ? `:\n${after.join('\n')}` : ' nothing more'}`,
      ];
    }
    next = at + 1;
  }
  return [];
}

/** Whether `actual` is `expected`, `...` and `…` in it standing for any text. */
export function matches(expected: string, actual: string): boolean {
  const pattern = expected
    .split(/\.\.\.|…/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(actual);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isConsoleCall(callee: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'console' &&
    ['log', 'info', 'warn', 'error'].includes(callee.name.text)
  );
}

function isStatement(node: ts.Node): boolean {
  return ts.isExpressionStatement(node) || ts.isVariableStatement(node) || ts.isIterationStatement(node, false) || ts.isIfStatement(node) || ts.isTryStatement(node);
}

/** The `//` comments at the end of the line where `end` is, and on the lines right below it, up to a blank line. */
function commentsBelow(text: string, end: number): ts.CommentRange[] {
  const ranges = [...(ts.getTrailingCommentRanges(text, end) ?? []), ...(ts.getLeadingCommentRanges(text, end) ?? [])];
  const below: ts.CommentRange[] = [];
  let from = end;
  for (const range of ranges) {
    const gap = text.slice(from, range.pos);
    if (range.kind !== ts.SyntaxKind.SingleLineCommentTrivia || (gap.match(/\n/g) ?? []).length > 1) break;
    below.push(range);
    from = range.end;
  }
  return below;
}
