import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../support/packed-package';

const run = promisify(execFile);

// The published types are the promise eventfold keeps to its users. docs/api.md lists every name
// they export, written from the declarations (built with stripInternal, so nothing marked
// @internal appears) and their documentation comments.
describe('The public surface', () => {
  it('is listed in docs/api.md as the published declarations have it', async () => {
    const check = await run(process.execPath, [join(packageRoot, 'scripts', 'write-api-reference.js'), '--check']).then(
      () => '',
      (error: Error & { stderr?: string }) => error.stderr ?? error.message,
    );
    expect(check).to.equal('');
  });

  it('has a documentation comment for every export', () => {
    const undocumented = readFileSync(join(packageRoot, 'docs', 'api.md'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('**undocumented**'));
    expect(undocumented).to.deep.equal([]);
  });
});
