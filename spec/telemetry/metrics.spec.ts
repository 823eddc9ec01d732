import { AggregationTemporality, type DataPoint } from '@opentelemetry/sdk-metrics';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainEvent, EventHandler, On, type HandlerContext } from '../../lib';
import { TELEMETRY_VERSION } from '../../lib/telemetry/telemetry-names';
import { forEachBackend } from '../support/backends';
import { installSdk, type InstalledSdk } from './otel-sdk';

@DomainEvent('JobRequested')
class JobRequested {
  constructor(readonly job: string) {}
}

/** The value of the one data point of `points` whose attributes include `attributes`. */
function valueWhere(points: DataPoint<unknown>[], attributes: Record<string, unknown>): unknown {
  const found = points.filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value));
  expect(found, `one data point with ${JSON.stringify(attributes)}`).to.have.length(1);
  return found[0]!.value;
}

describe('Telemetry: names', () => {
  it('reports the version of the package with the tracer and meter', () => {
    // build/spec/telemetry/ once compiled: the package root is three folders up.
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(TELEMETRY_VERSION).to.equal(version);
  });
});

forEachBackend('Telemetry: metrics', (backend) => {
  let sdk: InstalledSdk;
  beforeEach(() => (sdk = installSdk()));
  afterEach(() => sdk.uninstall());

  it('counts the events appended, by stream type', async () => {
    const store = await backend.open({ events: [JobRequested] });
    await store.append({ type: 'Job', id: 'a' }, [new JobRequested('a'), new JobRequested('a2')]);
    await store.append({ type: 'Job', id: 'b' }, [new JobRequested('b')]);
    await store.append({ type: 'Batch', id: 'c' }, [new JobRequested('c')]);

    const points = await sdk.points('eventfold.events.appended');
    expect(valueWhere(points, { 'eventfold.stream.type': 'Job' })).to.equal(3);
    expect(valueWhere(points, { 'eventfold.stream.type': 'Batch' })).to.equal(1);
  });

  it('counts deliveries by outcome, retries and dead letters per subscriber', async () => {
    const store = await backend.open({ events: [JobRequested] });
    @EventHandler('jobs', { retry: { initialDelayMs: 1, maxDelayMs: 2, jitter: 0, maxAttempts: 3 } })
    class Jobs {
      @On(JobRequested)
      run(event: JobRequested, { attempt }: HandlerContext): void {
        // 'a' succeeds on its third attempt, 'b' never does, 'c' at once.
        if (event.job === 'b' || (event.job === 'a' && attempt < 3)) throw new Error(`${event.job} failed`);
      }
    }
    const dispatcher = await backend.dispatch(store, [new Jobs()]);
    for (const job of ['a', 'b', 'c']) await store.publish(new JobRequested(job), { stream: { type: 'Job', id: job } });
    await dispatcher.idle();

    const subscriber = { 'eventfold.subscriber.name': 'jobs', 'eventfold.subscriber.kind': 'handler' };
    const deliveries = await sdk.points('eventfold.deliveries');
    expect(valueWhere(deliveries, { ...subscriber, 'eventfold.delivery.outcome': 'success' })).to.equal(2);
    expect(valueWhere(deliveries, { ...subscriber, 'eventfold.delivery.outcome': 'failure' })).to.equal(5);
    expect(valueWhere(await sdk.points('eventfold.delivery.retries'), subscriber)).to.equal(4);
    expect(valueWhere(await sdk.points('eventfold.dead_letters'), subscriber)).to.equal(1);
  });

  it('reports the checkpoint and lag of each subscriber while its dispatcher runs, and nothing once it stopped', async () => {
    await sdk.uninstall();
    sdk = installSdk(AggregationTemporality.DELTA);
    const store = await backend.open({ events: [JobRequested] });
    @EventHandler('idle-jobs')
    class IdleJobs {
      @On(JobRequested) run(): void {}
    }
    await store.publish(new JobRequested('a'));
    const last = await store.publish(new JobRequested('b'));
    const dispatcher = await backend.dispatch(store, [new IdleJobs()]);
    await dispatcher.idle();

    const subscriber = { 'eventfold.subscriber.name': 'idle-jobs' };
    expect(valueWhere(await sdk.points('eventfold.subscriber.checkpoint'), subscriber)).to.equal(last.position);
    expect(valueWhere(await sdk.points('eventfold.subscriber.lag'), subscriber)).to.equal(0);

    await dispatcher.stop();
    expect(await sdk.points('eventfold.subscriber.checkpoint')).to.deep.equal([]);
    expect(await sdk.points('eventfold.subscriber.lag')).to.deep.equal([]);
  });
});
