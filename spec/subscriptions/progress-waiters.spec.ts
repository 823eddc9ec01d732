import { expect } from 'chai';
import { ProgressWaiters } from '../../lib/subscriptions/runner/progress-waiters';

/** Lets every settled promise run its callbacks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ProgressWaiters', () => {
  it('resolves a waiter once its position is reached', async () => {
    const waiters = new ProgressWaiters();
    let resolved = false;
    void waiters.add(5).then(() => (resolved = true));
    waiters.resolveReached((position) => position <= 4);
    await settle();
    expect(resolved).to.equal(false);
    waiters.resolveReached((position) => position <= 5);
    await settle();
    expect(resolved).to.equal(true);
  });

  it('releases a waiter whose caller stopped waiting, leaving the others', async () => {
    const waiters = new ProgressWaiters();
    const release = new AbortController();
    const resolved: string[] = [];
    void waiters.add(5, release.signal).then(() => resolved.push('released'));
    void waiters.add(5).then(() => resolved.push('kept'));
    release.abort();
    await settle();
    expect(resolved).to.deep.equal(['released']);
    waiters.resolveReached(() => true);
    await settle();
    expect(resolved).to.deep.equal(['released', 'kept']);
  });

  it('resolves at once a waiter whose caller already stopped waiting', async () => {
    const waiters = new ProgressWaiters();
    const release = new AbortController();
    release.abort();
    let resolved = false;
    void waiters.add(5, release.signal).then(() => (resolved = true));
    await settle();
    expect(resolved).to.equal(true);
  });
});
