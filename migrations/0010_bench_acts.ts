import { type Kysely, sql } from 'kysely';

/**
 * Bench workflows (docs/calibration.md).
 *
 * - `bench_log`: append-only, one row per bench act (verify present, move, calibrate, out of
 *   service) and per undo of one. An act the remote has a field for is an ordinary queued edit
 *   (`how = 'edit'`, `op_id` the op that carries it, `before`/`after` the fields it set and
 *   `op_before` the op as it was before the act, so an undo can put it back); any other act is
 *   only this entry (`how = 'log'`). An undo is a new row whose `undoes` names the act it undid:
 *   an act is "undone by" the row pointing at it. Triggers refuse UPDATE and DELETE.
 *   No foreign keys: entries outlive their record and their connection, like the history.
 * - `maintenance_schedules`: the schedules of records whose remote cannot hold them (every system
 *   but Cannlytics, whose instrument documents keep them in a `maintenance_schedules` field).
 *   `lives` says where the row's truth is: always 'local' here (the check keeps it so); the remote
 *   ones are read from the record's fields. They go with their record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bench_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('act', 'text', (c) => c.notNull().check(sql`act IN ('verify_present', 'move', 'calibrate', 'out_of_service', 'undo')`))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('os_user', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('place', 'text')
    .addColumn('schedule', 'text')
    .addColumn('note', 'text')
    .addColumn('how', 'text', (c) => c.notNull().check(sql`how IN ('edit', 'log')`))
    .addColumn('op_id', 'integer')
    // JSON: the act's fields before and after (edits), the record's last op before the act.
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('op_before', 'text')
    .addColumn('undoes', 'integer')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX bench_log_record ON bench_log(record_id, act, schedule, at)`.execute(db);
  await sql`CREATE UNIQUE INDEX bench_log_undoes ON bench_log(undoes) WHERE undoes IS NOT NULL`.execute(db);
  await sql`CREATE TRIGGER bench_log_no_update BEFORE UPDATE ON bench_log BEGIN
    SELECT RAISE(ABORT, 'the bench log is append-only');
  END`.execute(db);
  await sql`CREATE TRIGGER bench_log_no_delete BEFORE DELETE ON bench_log BEGIN
    SELECT RAISE(ABORT, 'the bench log is append-only');
  END`.execute(db);

  await db.schema
    .createTable('maintenance_schedules')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('record_id', 'text', (c) => c.notNull().references('records.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('interval_days', 'integer', (c) => c.notNull().check(sql`interval_days > 0`))
    .addColumn('warning_days', 'integer', (c) => c.notNull().check(sql`warning_days >= 0`))
    .addColumn('lives', 'text', (c) => c.notNull().defaultTo('local').check(sql`lives = 'local'`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX maintenance_schedules_name ON maintenance_schedules(record_id, name COLLATE NOCASE)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('maintenance_schedules').execute();
  await db.schema.dropTable('bench_log').execute();
}
