// Every link of README.md and docs/*.md works where readers follow it: on npm and in the installed
// package, where only what package.json's `files` lists is present, and on GitHub. A relative link
// must lead to a file the packed tarball contains, and an anchor to a heading of its page; a file
// of the repository that the package leaves out (examples/, spec/) is linked absolutely, on the
// repository named in package.json, and must exist there.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { headingAnchors, markdownLinks, type MarkdownLink } from '../support/markdown-links';
import { packageRoot, packedInstallation } from '../support/packed-package';
import { documentationFiles } from './support/doc-programs';
import { expectNone } from './support/expect-none';

describe('Links of the README and docs/', function () {
  this.timeout(120_000);
  const links = documentationFiles().flatMap(markdownLinks);
  const place = (link: MarkdownLink) => `${relative(packageRoot, link.file)} line ${link.line}: (${link.target})`;
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { repository?: { url?: string } };
  // `git+https://github.com/owner/name.git` is browsed at https://github.com/owner/name.
  const repository = (manifest.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');

  it('that are relative lead to files the packed package contains', async () => {
    const installed = join(await packedInstallation(), 'node_modules', 'eventfold');
    const problems = links
      .filter(({ target }) => !/^[a-z]+:/.test(target) && !target.startsWith('#'))
      .flatMap((link) => {
        const path = link.target.split('#')[0] ?? '';
        const target = resolve(dirname(join(installed, relative(packageRoot, link.file))), path);
        if (existsSync(target)) return [];
        const inRepository = existsSync(resolve(dirname(link.file), path));
        return [
          `${place(link)} leads to no file of the package${inRepository ? `: ${relative(packageRoot, resolve(dirname(link.file), path))} is in the repository but not in the tarball; link it as ${repository}/blob/main/${relative(packageRoot, resolve(dirname(link.file), path))} instead` : ''}.`,
        ];
      });
    expectNone(problems);
  });

  it('that name an anchor lead to a heading of their page', () => {
    const problems = links
      .filter(({ target }) => !/^[a-z]+:/.test(target) && target.includes('#'))
      .flatMap((link) => {
        const [path = '', anchor = ''] = link.target.split('#');
        const page = path === '' ? link.file : resolve(dirname(link.file), path);
        if (!existsSync(page) || headingAnchors(page).has(anchor)) return [];
        return [`${place(link)}: ${relative(packageRoot, page)} has no heading with the anchor #${anchor}.`];
      });
    expectNone(problems);
  });

  it('that go to the repository on GitHub lead to its files', () => {
    if (!repository.startsWith('https://'))
      expectNone([`package.json names no repository ("repository": { "url": "git+https://github.com/…" }) to link files the package leaves out to.`]);
    const problems = links
      .filter(({ target }) => target.startsWith(`${repository}/`))
      .flatMap((link) => {
        const found = /^\/(?:blob|tree)\/main\/([^#]*)(?:#(.*))?$/.exec(link.target.slice(repository.length));
        if (!found) return [`${place(link)}: a link to the repository names a file as ${repository}/blob/main/<path> (or /tree/main/<folder>).`];
        const [, path = '', anchor] = found;
        const file = join(packageRoot, path);
        if (!existsSync(file)) return [`${place(link)}: the repository has no ${path}.`];
        const folder = statSync(file).isDirectory();
        if (folder !== link.target.slice(repository.length).startsWith('/tree/'))
          return [`${place(link)}: ${path} is a ${folder ? 'folder: link /tree/main/' : 'file: link /blob/main/'}${path}.`];
        if (anchor && path.endsWith('.md') && !headingAnchors(file).has(anchor)) return [`${place(link)}: ${path} has no heading with the anchor #${anchor}.`];
        return [];
      });
    expectNone(problems);
  });
});
