import type { Generated } from 'kysely';

/** Table names used by eventfold. Prefixed so they can share a database with the application. */
export const EVENTS_TABLE = 'eventfold_events';
/** Snapshot table name. */
export const SNAPSHOTS_TABLE = 'eventfold_snapshots';

/** Checkpoints, status and leases of subscribers. */
export const SUBSCRIPTIONS_TABLE = 'eventfold_subscriptions';
/** Events that a subscriber gave up on after its last retry. */
export const DEAD_LETTERS_TABLE = 'eventfold_dead_letters';
/** Processes running a subscriber split into segments, each with the time its membership lapses. */
export const SUBSCRIBER_MEMBERS_TABLE = 'eventfold_subscriber_members';
/** Projection rebuilds under way into copies of their read models (blue/green). */
export const REBUILDS_TABLE = 'eventfold_rebuilds';
/** Streams whose events are hidden from reads until they are restored. */
export const ARCHIVED_STREAMS_TABLE = 'eventfold_archived_streams';
/** The instances of process managers, each with its state. */
export const PROCESS_INSTANCES_TABLE = 'eventfold_process_instances';
/** Deadlines that process managers scheduled and that have not been delivered yet. */
export const DEADLINES_TABLE = 'eventfold_deadlines';

/** One row of the event log. JSON columns hold text. */
export interface EventRow {
  position: Generated<number>;
  event_id: string;
  stream_type: string;
  stream_id: string;
  stream_version: number;
  event_type: string;
  schema_version: number;
  payload: string;
  metadata: string;
  recorded_at: string;
}

/** The latest snapshot of one stream. */
export interface SnapshotRow {
  stream_type: string;
  stream_id: string;
  stream_version: number;
  snapshot_version: number;
  state: string;
  taken_at: string;
}

/** The durable state of one subscriber. */
export interface SubscriptionRow {
  name: string;
  kind: string;
  /** Every event at or before this position is finished. */
  position: number;
  /** JSON array of finished positions after `position` (finished out of order). */
  ahead: string;
  status: string;
  status_reason: string | null;
  lease_owner: string | null;
  /** Milliseconds since the epoch. */
  lease_expires_at: number | null;
  updated_at: string;
  /** JSON of what the subscriber announced it is attempting, null when nothing is in flight. */
  in_flight: string | null;
}

/** One dead letter. */
export interface DeadLetterRow {
  /** 1 for the event its subscriber halted on, 0 for one it parked and moved past. */
  halted: number;
  id: Generated<number>;
  subscriber: string;
  position: number;
  event_id: string;
  event_type: string;
  stream_type: string;
  stream_id: string;
  error_message: string;
  error_stack: string | null;
  attempts: number;
  failed_at: string;
}

/** One process running one subscriber split into segments. */
export interface SubscriberMemberRow {
  subscriber: string;
  owner: string;
  /** Milliseconds since the epoch, by the lease clock. */
  expires_at: number;
}

/**
 * A projection rebuilding into copies of its read-model tables. While the row exists, the
 * subscriber rows of the projection hold the copies' checkpoints and this row holds the
 * checkpoints of the tables the application reads.
 */
export interface RebuildRow {
  /** The projection's name (a projection split into segments: the name they share). */
  projection: string;
  /** JSON array of `{ table, copy }`: each read-model table and the copy being built. */
  tables: string;
  /** JSON object: for each subscriber row (segment), the checkpoint and status the live tables go with. */
  checkpoints: string;
  /** When the rebuild started (ISO 8601): dead letters from then on are the rebuild's. */
  started_at: string;
}

/** One archived stream: its events stay in the log, hidden from reads that do not ask for them. */
export interface ArchivedStreamRow {
  stream_type: string;
  stream_id: string;
  /** When it was archived (ISO 8601). */
  archived_at: string;
}

/** One instance of a process manager, found by the correlation key of the events it handles. */
export interface ProcessInstanceRow {
  process_manager: string;
  key: string;
  /** The instance's state as JSON. */
  state: string;
  /** `'running'` or `'ended'` (an ended instance is kept only under the `'keep'` policy). */
  status: string;
  /** How many steps changed the instance: 1 after the step that started it. */
  version: number;
  started_at: string;
  updated_at: string;
}

/** One deadline a process manager scheduled, until it is delivered or cancelled. */
export interface DeadlineRow {
  /** A uuid, new for each scheduling. */
  id: string;
  process_manager: string;
  instance_key: string;
  /** The deadline's name, as `@OnDeadline(name)` names it; one pending deadline per name and instance. */
  name: string;
  /** When it falls due: milliseconds since the epoch. */
  due_at: number;
  /** JSON of what was passed to `schedule`. */
  payload: string;
  scheduled_at: string;
  /** Failed deliveries so far. */
  attempts: number;
  /** `'pending'`, or `'failed'` once its deliveries ran out of retries (kept for the operator). */
  status: string;
  last_error: string | null;
}

/** The tables eventfold owns, as Kysely sees them. */
export interface EventfoldTables {
  [EVENTS_TABLE]: EventRow;
  [SNAPSHOTS_TABLE]: SnapshotRow;
  [SUBSCRIPTIONS_TABLE]: SubscriptionRow;
  [DEAD_LETTERS_TABLE]: DeadLetterRow;
  [SUBSCRIBER_MEMBERS_TABLE]: SubscriberMemberRow;
  [REBUILDS_TABLE]: RebuildRow;
  [ARCHIVED_STREAMS_TABLE]: ArchivedStreamRow;
  [PROCESS_INSTANCES_TABLE]: ProcessInstanceRow;
  [DEADLINES_TABLE]: DeadlineRow;
}
