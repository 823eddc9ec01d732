// The links of a Markdown file and the anchors its headings make, so that specs can check that
// every link a reader follows leads somewhere.
import { readFileSync } from 'node:fs';

/** One inline link, `[text](target)`. */
export interface MarkdownLink {
  /** The file it is in. */
  readonly file: string;
  /** Its line, counting from 1. */
  readonly line: number;
  /** What it points to, as written: `docs/events.md#upcasting`, `https://…`, `#errors`. */
  readonly target: string;
}

/** Every inline link of `file` outside code blocks and code spans, in order. */
export function markdownLinks(file: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(file).forEach(({ text, line }) => {
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ file, line, target: match[1] ?? '' });
  });
  return links;
}

/** The anchors of `file`'s headings, as GitHub and npm make them (`## Payload serialization` → `payload-serialization`). */
export function headingAnchors(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(file)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = headingSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** GitHub's anchor for a heading: its text in lower case, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The lines of `file` that are not inside fenced code blocks, with their numbers. */
function proseLines(file: string): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = [];
  let fence: string | undefined;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const ticks = /^\s*(`{3,})/.exec(text)?.[1];
      if (fence !== undefined) {
        if (text.trim().startsWith(fence)) fence = undefined;
      } else if (ticks !== undefined) fence = ticks;
      else lines.push({ text, line: index + 1 });
    });
  return lines;
}
