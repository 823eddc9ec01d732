/**
 * eventfold: event sourcing for TypeScript.
 *
 * Declare events with `@DomainEvent`, aggregates with `@Aggregate` and `@Apply`, open an
 * {@link EventStore} and load and save aggregates through its repositories.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export * from './aggregates';
export * from './errors';
export * from './event-store';
export * from './events';
export * from './folds';
export * from './process-managers';
export * from './store';
export * from './subscriptions';
export * from './telemetry';
