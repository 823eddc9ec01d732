// The programs the README and docs/ print: each TypeScript block is a program of its own, or goes
// on from an earlier block (`<!-- continues -->`), in which case the blocks form one program and
// run as one, the way a page says "the snippets on this page run in order as one ES module".
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { codeBlocks, type CodeBlock } from '../../support/markdown-blocks';
import { packageRoot } from '../../support/packed-package';
import { parseDirective } from './block-directive';
import { SourceText, where, type Origin } from './source-text';

/** A program made of one or more TypeScript blocks of one Markdown file. */
export interface DocProgram {
  /** A name that can be a file name: `docs-events-md-13`. */
  readonly id: string;
  /** Where its blocks are, which names it in messages: `docs/events.md lines 13 to 343`. */
  readonly title: string;
  /** Its blocks, in the order they run. */
  readonly parts: readonly CodeBlock[];
  /** Compiled and run as CommonJS rather than as an ES module. */
  readonly commonjs: boolean;
  /** Needs PostgreSQL to run. */
  readonly postgres: boolean;
  /** The ```text blocks marked `<!-- output -->` that show what it prints. */
  readonly outputs: readonly CodeBlock[];
  /** Its text, with the origin of each line. */
  readonly source: SourceText;
}

/** The README and every page of docs/, as absolute paths. */
export function documentationFiles(): string[] {
  const docs = join(packageRoot, 'docs');
  const pages = readdirSync(docs)
    .filter((name) => name.endsWith('.md'))
    .sort();
  return [join(packageRoot, 'README.md'), ...pages.map((name) => join(docs, name))];
}

/** A block's place, relative to the repository's root. */
export function originOf(block: CodeBlock, line = block.line): Origin {
  return { file: relative(packageRoot, block.file), line };
}

/** Where a block's fence is: `docs/events.md line 13`. */
export function blockWhere(block: CodeBlock): string {
  return where(originOf(block));
}

/** The programs of `file`, and what is wrong with how its blocks say they fit together. */
export function docPrograms(file: string): { programs: DocProgram[]; problems: string[] } {
  const blocks = codeBlocks(file);
  const typescript = blocks.filter((block) => block.language === 'ts' && parseDirective(block.directive).name !== 'excerpt');
  const problems: string[] = [];
  const parent = new Map<CodeBlock, CodeBlock>();
  typescript.forEach((block, index) => {
    const { name, value } = parseDirective(block.directive);
    if (name !== 'continues') return;
    const previous = value === '' || value === 'previous' ? typescript[index - 1] : findUnder(typescript.slice(0, index), value);
    if (previous) parent.set(block, previous);
    else problems.push(`${blockWhere(block)}: <!-- ${block.directive} --> names no TypeScript block above it${value ? ` under the heading "${value}"` : ''}.`);
  });
  const continued = new Set(parent.values());
  const chain = (block: CodeBlock): CodeBlock[] => {
    const before = parent.get(block);
    return before ? [...chain(before), block] : [block];
  };
  const programs = typescript
    .filter((block) => !continued.has(block))
    .map((last) => {
      const parts = chain(last);
      const first = parseDirective(parts[0]?.directive ?? '').name;
      const source = new SourceText();
      for (const part of parts) source.add(part.code, originOf(part, part.line + 1));
      return {
        id: `${relative(packageRoot, file)}-${last.line}`.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase(),
        title: parts.length === 1 ? blockWhere(last) : `${relative(packageRoot, file)} lines ${parts[0]?.line ?? last.line} to ${last.line}`,
        parts,
        commonjs: first === 'commonjs',
        postgres: first === 'postgres',
        outputs: [] as CodeBlock[],
        source,
      };
    });
  // An output block shows what the program of the TypeScript block above it prints.
  blocks.forEach((block, index) => {
    if (block.language !== 'text' || parseDirective(block.directive).name !== 'output') return;
    const above = blocks
      .slice(0, index)
      .reverse()
      .find((candidate) => typescript.includes(candidate));
    const program = above && programs.find(({ parts }) => parts.includes(above));
    if (program) program.outputs.push(block);
    else
      problems.push(`${blockWhere(block)}: an <!-- output --> block with no program above it on the page: mark it <!-- not checked: … --> or move it below its program.`);
  });
  return { programs, problems };
}

function findUnder(blocks: readonly CodeBlock[], heading: string): CodeBlock | undefined {
  const found = blocks.filter((block) => block.heading === heading);
  return found.length === 1 ? found[0] : undefined;
}
