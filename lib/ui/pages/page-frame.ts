import { html } from 'hono/html';

/** What every page needs to know about the browser it is part of. */
export interface PageSettings {
  /** The path the browser is mounted under, without a trailing slash ('' at the root). */
  readonly basePath: string;
  /** The database, as the header names it. */
  readonly databaseLabel: string;
  /** Whether operations (retry, discard, resume) are enabled. */
  readonly operations: boolean;
}

/** A piece of HTML made by `html`, escaped where it took values. */
export type Html = ReturnType<typeof html>;

/** A message shown at the top of a page after an operation. */
export interface Flash {
  readonly text: string;
  readonly error: boolean;
}

const SECTIONS = [
  { path: '/streams', title: 'Streams' },
  { path: '/log', title: 'Live log' },
  { path: '/subscribers', title: 'Subscribers' },
  { path: '/dead-letters', title: 'Dead letters' },
] as const;

/** Options of {@link pageFrame}. */
export interface FrameOptions {
  readonly title: string;
  /** Which section of the navigation is current. */
  readonly section: (typeof SECTIONS)[number]['path'];
  readonly flash?: Flash | undefined;
  /** `data-*` attributes of the body, which the script reads (live source, refresh). */
  readonly bodyData?: Readonly<Record<string, string>>;
}

/** The page around a section's content: header, navigation, the flash message. */
export function pageFrame(settings: PageSettings, options: FrameOptions, content: Html): Html {
  const href = (path: string) => `${settings.basePath}${path}`;
  const bodyData = Object.entries(options.bodyData ?? {}).map(([key, value]) => html` data-${key}="${value}"`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · eventfold</title>
<link rel="stylesheet" href="${href('/assets/eventfold.css')}">
</head>
<body${bodyData}>
<header>
<strong>eventfold</strong>
<nav>${SECTIONS.map((section) => html`<a href="${href(section.path)}" class="${section.path === options.section ? 'current' : ''}">${section.title}</a>`)}</nav>
<span class="database">${settings.databaseLabel}</span>
${settings.operations ? html`<span class="mode operations" title="retry, discard and resume are enabled">operations</span>` : html`<span class="mode">read-only</span>`}
</header>
<main>
${options.flash ? html`<div data-testid="flash" class="flash${options.flash.error ? ' error' : ''}">${options.flash.text}</div>` : ''}
${content}
</main>
<script src="${href('/assets/eventfold.js')}"></script>
</body>
</html>`;
}

/** JSON shown in a `<pre>`, two spaces deep. */
export function jsonBlock(value: unknown): Html {
  return html`<pre>${JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? field.toString() : field), 2) ?? 'null'}</pre>`;
}
