/**
 * eventfold/testing: given/when/then fixtures for aggregates, subscribers run through the real
 * dispatcher, process managers on a clock the test moves, and a store per test. Test-runner
 * neutral: failures are Node's `AssertionError`, which mocha, `node:test` and vitest all report
 * as failed assertions.
 *
 * @example
 * ```ts
 * import { aggregateFixture, processManagerFixture, subscriberFixture, testStore } from 'eventfold/testing';
 * ```
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export { aggregateFixture, AggregateFixture, type AggregateFixtureOptions } from './aggregate-fixture';
export { AggregateOutcome, AsyncAggregateOutcome } from './aggregate-outcome';
export type { ErrorClass } from './expected-error';
export type { ExpectedDeadline } from './process-manager-checks';
export { processManagerFixture, type ProcessManagerFixtureOptions } from './process-manager-fixture';
export { ProcessManagerRun } from './process-manager-run';
export type { DeliveredDeadline } from './process-timeline';
export { subscriberFixture, type SubscriberFixtureOptions, type SubscribersUnderTest } from './subscriber-fixture';
export { SubscriberRun } from './subscriber-run';
export { testStore, type TestStoreOptions } from './test-store';
