import { expect } from 'chai';
import { CheckpointTracker } from '../../lib/subscriptions/checkpoint-tracker';
import { retryDelay, retryPolicyOf } from '../../lib/subscriptions/retry-policy';
import { InvalidArgumentError } from '../../lib';

describe('CheckpointTracker', () => {
  it('moves the checkpoint only over positions that are finished', () => {
    const tracker = new CheckpointTracker(0);
    [1, 2, 3, 4].forEach((position) => tracker.take(position));
    tracker.finish(2);
    tracker.finish(4);
    expect(tracker.checkpoint).to.equal(0);
    expect(tracker.ahead).to.deep.equal([2, 4]);
    tracker.finish(1);
    expect(tracker.checkpoint).to.equal(2);
    tracker.finish(3);
    expect(tracker.checkpoint).to.equal(4);
    expect(tracker.ahead).to.deep.equal([]);
  });

  it('treats positions saved as ahead by an earlier run as finished', () => {
    const tracker = new CheckpointTracker(10, [12, 13, 9]);
    expect(tracker.isFinished(9)).to.equal(true);
    expect(tracker.isFinished(11)).to.equal(false);
    expect(tracker.isFinished(12)).to.equal(true);
    [11, 12, 13].forEach((position) => tracker.take(position));
    tracker.finish(12);
    tracker.finish(13);
    expect(tracker.checkpoint).to.equal(10);
    tracker.finish(11);
    expect(tracker.checkpoint).to.equal(13);
  });

  it('previews the checkpoint that finishing some positions would give, without changing it', () => {
    const tracker = new CheckpointTracker(5);
    [6, 7, 8].forEach((position) => tracker.take(position));
    tracker.finish(8);
    expect(tracker.preview([6])).to.deep.equal({ checkpoint: 6, ahead: [8] });
    expect(tracker.preview([6, 7])).to.deep.equal({ checkpoint: 8, ahead: [] });
    expect(tracker.checkpoint).to.equal(5);
  });
});

describe('Retry policy', () => {
  it('grows delays exponentially up to the maximum, with jitter taking off at most its share', () => {
    const policy = retryPolicyOf({ initialDelayMs: 100, factor: 3, maxDelayMs: 1000, jitter: 0.5 }, 'x');
    expect([1, 2, 3, 4].map((attempt) => retryDelay(policy, attempt, () => 0))).to.deep.equal([100, 300, 900, 1000]);
    expect(retryDelay(policy, 2, () => 1)).to.equal(150);
  });

  it('rejects nonsense, naming the subscriber and the option', () => {
    expect(() => retryPolicyOf({ maxAttempts: 0 }, 'mailer')).to.throw(InvalidArgumentError, /retry.maxAttempts of subscriber 'mailer'/);
    expect(() => retryPolicyOf({ jitter: 2 }, 'mailer')).to.throw(InvalidArgumentError, /jitter/);
    expect(() => retryPolicyOf({ factor: 0.5 }, 'mailer')).to.throw(InvalidArgumentError, /factor/);
    expect(() => retryPolicyOf({ timeoutMs: -1 }, 'mailer')).to.throw(InvalidArgumentError, /timeoutMs/);
    // Longer than Node's timers take, it would fire after 1 ms.
    expect(() => retryPolicyOf({ timeoutMs: 2 ** 31 }, 'mailer')).to.throw(
      InvalidArgumentError,
      /retry\.timeoutMs of subscriber 'mailer': expected milliseconds from 0 to 2147483647, got 2147483648/,
    );
    expect(() => retryPolicyOf({ maxDelayMs: 2 ** 31 }, 'mailer')).to.throw(InvalidArgumentError, /retry\.maxDelayMs .* from 0 to 2147483647/);
  });
});
