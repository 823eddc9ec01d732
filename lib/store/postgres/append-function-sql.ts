import { EVENTS_TABLE } from '../schema';

/**
 * The SQLSTATE `eventfold_append` raises when the stream is not at the expected version. The
 * error's `detail` holds the version the stream is at.
 */
export const STREAM_VERSION_MISMATCH = 'EF002';

/** The argument types of `eventfold_append`, which name the function for `drop function`. */
export const APPEND_FUNCTION_SIGNATURE = 'eventfold_append(text, text, integer, boolean, text[], text[], integer[], jsonb[], jsonb[])';

/**
 * Creates `eventfold_append(...)` in the current schema: a whole append to one stream as one
 * statement, so that an append costs one round trip and commits on its own (autocommit), with no
 * BEGIN and COMMIT of its own to wait for.
 *
 * In order, it
 * 1. takes the stream's lock when asked (`lock_first`), the same transaction-scoped advisory lock
 *    that appends of the previous release took (`pg_advisory_xact_lock` on the schema's stream
 *    lock space and `type/id`), so the two releases queue on the same key;
 * 2. reads the stream's version and raises {@link STREAM_VERSION_MISMATCH} when it is not the
 *    expected one (`expected` null means any version);
 * 3. calls `eventfold_reserve` (migration 0005), which must come before anything the transaction
 *    writes: nothing before it writes (an advisory lock and a read assign no transaction id);
 * 4. inserts the rows, passed as one array per column, at consecutive positions and versions.
 *
 * It returns the first position, the version the stream was at, and the recording time in
 * milliseconds since the epoch. A unique violation (another writer took the version, or the event
 * ids are stored already) is not caught here: the statement fails with PostgreSQL's own error,
 * which the append recognises as before.
 *
 * Each statement in a PL/pgSQL function takes a fresh snapshot under READ COMMITTED, so the
 * version read after the stream lock sees what the previous holder committed. The function has no
 * exception block of its own (it would cost a subtransaction per append); the table, the stream
 * lock space and `eventfold_reserve` are named with the schema at creation, so the function does
 * not depend on the caller's search path beyond finding it.
 */
export const CREATE_APPEND_FUNCTION = `
do $do$
declare
  events_table text := format('%I.%I', current_schema(), '${EVENTS_TABLE}');
  reserve_function text := format('%I.eventfold_reserve', current_schema());
  stream_lock_space text := 'eventfold:' || current_schema() || ':streams';
begin
  execute format($create$
    create or replace function eventfold_append(
      append_type text, append_id text, expected integer, lock_first boolean,
      event_ids text[], event_types text[], event_schema_versions integer[], event_payloads jsonb[], event_metadata jsonb[],
      out first_position bigint, out from_version integer, out recorded_ms float8)
    language plpgsql as $body$
    declare
      reserved record;
    begin
      if lock_first then
        perform pg_advisory_xact_lock(hashtext(%1$L), hashtext(append_type || '/' || append_id));
      end if;
      select coalesce(max(stored.stream_version), 0) into from_version
        from %2$s stored where stored.stream_type = append_type and stored.stream_id = append_id;
      if expected is not null and expected <> from_version then
        raise exception 'stream %%/%% is at version %%, not %%', append_type, append_id, from_version, expected
          using errcode = '${STREAM_VERSION_MISMATCH}', detail = from_version::text;
      end if;
      select * into reserved from %3$s(cardinality(event_ids));
      insert into %2$s (position, tx, event_id, stream_type, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at)
        select reserved.first_position + event.n - 1, reserved.tx, event.event_id, append_type, append_id, from_version + event.n,
          event.event_type, event.schema_version, event.payload, event.metadata, reserved.recorded_at
        from unnest(event_ids, event_types, event_schema_versions, event_payloads, event_metadata)
          with ordinality as event(event_id, event_type, schema_version, payload, metadata, n);
      first_position := reserved.first_position;
      recorded_ms := (extract(epoch from reserved.recorded_at) * 1000)::float8;
    end
    $body$
  $create$, stream_lock_space, events_table, reserve_function);
end
$do$`;

/** The call of `eventfold_append` with its parameters, the arrays cast to the types it takes. */
export const CALL_APPEND_FUNCTION_SQL =
  'select first_position, from_version, recorded_ms from eventfold_append($1, $2, $3, $4, $5::text[], $6::text[], $7::integer[], $8::jsonb[], $9::jsonb[])';
