import { expect } from 'chai';

/** Fails with every problem of the list, each on lines of its own, unless the list is empty. */
export function expectNone(problems: readonly string[]): void {
  if (problems.length === 0) return;
  expect.fail(`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:\n\n${problems.join('\n\n')}\n`);
}
