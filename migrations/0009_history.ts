import { type Kysely, sql } from 'kysely';

/**
 * A field-level, tamper-evident history of every record (docs/history.md).
 *
 * - `history`: append-only entries, each hashed over the previous entry's hash and its own content.
 *   Triggers refuse UPDATE and DELETE; the hash chain shows it if someone gets round them.
 *   No foreign keys: entries outlive their record and their connection.
 * - `history_head`: the last entry's id and hash, so cutting entries off the end shows too.
 * - `history_staging`: what each write did to `records`, captured by triggers whatever code path
 *   wrote it; the mirror turns it into entries in the same transaction and empties it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('history')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('os_user', 'text', (c) => c.notNull())
    .addColumn('account', 'text')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('remote_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    // JSON text; null when there was no value (a field added or removed, a record that appeared).
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('op_id', 'integer')
    .addColumn('detail', 'text')
    .addColumn('reason', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX history_record ON history(record_id, id)`.execute(db);
  await sql`CREATE INDEX history_at ON history(at, id)`.execute(db);
  await sql`CREATE INDEX history_op ON history(op_id) WHERE op_id IS NOT NULL`.execute(db);
  await sql`CREATE TRIGGER history_no_update BEFORE UPDATE ON history BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
  END`.execute(db);
  await sql`CREATE TRIGGER history_no_delete BEFORE DELETE ON history BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
  END`.execute(db);

  await db.schema
    .createTable('history_head')
    .addColumn('one', 'integer', (c) => c.primaryKey().check(sql`one = 1`))
    .addColumn('last_id', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('history_staging')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('remote_id', 'text')
    .addColumn('before_fields', 'text')
    .addColumn('after_fields', 'text')
    .addColumn('before_deleted', 'integer')
    .addColumn('after_deleted', 'integer')
    .execute();
  await sql`CREATE TRIGGER records_history_insert AFTER INSERT ON records BEGIN
    INSERT INTO history_staging(record_id, connection_id, kind, remote_id, before_fields, after_fields, before_deleted, after_deleted)
    VALUES (new.id, new.connection_id, new.kind, new.remote_id, NULL, new.fields, NULL, new.deleted);
  END`.execute(db);
  await sql`CREATE TRIGGER records_history_update AFTER UPDATE OF fields, deleted ON records
    WHEN old.fields IS NOT new.fields OR old.deleted IS NOT new.deleted BEGIN
    INSERT INTO history_staging(record_id, connection_id, kind, remote_id, before_fields, after_fields, before_deleted, after_deleted)
    VALUES (new.id, new.connection_id, new.kind, new.remote_id, old.fields, new.fields, old.deleted, new.deleted);
  END`.execute(db);
  await sql`CREATE TRIGGER records_history_delete AFTER DELETE ON records BEGIN
    INSERT INTO history_staging(record_id, connection_id, kind, remote_id, before_fields, after_fields, before_deleted, after_deleted)
    VALUES (old.id, old.connection_id, old.kind, old.remote_id, old.fields, NULL, old.deleted, NULL);
  END`.execute(db);

  await db.schema
    .createTable('app_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['records_history_insert', 'records_history_update', 'records_history_delete']) await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)}`.execute(db);
  await db.schema.dropTable('history_staging').execute();
  await db.schema.dropTable('history_head').execute();
  await db.schema.dropTable('history').execute();
  await db.schema.dropTable('app_settings').execute();
}
