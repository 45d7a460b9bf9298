import { type Kysely, sql } from 'kysely';

/**
 * The local mirror: connections (remote profiles), records of the three kinds with their searchable
 * columns, categories, the outbox of local edits, the local<->remote id map and the sync cursors.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('remote_id', 'text')
    // What the user sees: the remote version with pending local edits applied.
    .addColumn('fields', 'text', (c) => c.notNull())
    // The last remote version the local edits are based on; null for a record created here and not yet pushed.
    .addColumn('base_fields', 'text')
    // The remote version that conflicts with local edits, kept so nothing is lost.
    .addColumn('remote_fields', 'text')
    .addColumn('conflict_fields', 'text')
    .addColumn('editable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('synced'))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('subtitle', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('vendor', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('serial', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('seen_generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX records_remote ON records(connection_id, kind, remote_id) WHERE remote_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX records_title ON records(title COLLATE NOCASE, id)`.execute(db);
  await sql`CREATE INDEX records_status ON records(status)`.execute(db);

  // Full-text search over the searchable columns, kept in step by triggers.
  await sql`CREATE VIRTUAL TABLE records_fts USING fts5(
    title, subtitle, vendor, serial, notes, remote_id,
    content='records', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3'
  )`.execute(db);
  await sql`CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
    INSERT INTO records_fts(rowid, title, subtitle, vendor, serial, notes, remote_id)
    VALUES (new.rowid, new.title, new.subtitle, new.vendor, new.serial, new.notes, new.remote_id);
  END`.execute(db);
  await sql`CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, title, subtitle, vendor, serial, notes, remote_id)
    VALUES ('delete', old.rowid, old.title, old.subtitle, old.vendor, old.serial, old.notes, old.remote_id);
  END`.execute(db);
  await sql`CREATE TRIGGER records_fts_update AFTER UPDATE OF title, subtitle, vendor, serial, notes, remote_id ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, title, subtitle, vendor, serial, notes, remote_id)
    VALUES ('delete', old.rowid, old.title, old.subtitle, old.vendor, old.serial, old.notes, old.remote_id);
    INSERT INTO records_fts(rowid, title, subtitle, vendor, serial, notes, remote_id)
    VALUES (new.rowid, new.title, new.subtitle, new.vendor, new.serial, new.notes, new.remote_id);
  END`.execute(db);

  await db.schema
    .createTable('categories')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('categories_pk', ['connection_id', 'remote_id'])
    .execute();

  // The upload queue: written in the same transaction as the record, read in id order,
  // removed only when the remote acknowledged it.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('base', 'text', (c) => c.notNull().defaultTo('{}'))
    // The remote id this op acts on (update/delete), captured so a delete survives the record row.
    .addColumn('remote_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('field_errors', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX outbox_queue ON outbox(connection_id, state, id)`.execute(db);
  await sql`CREATE INDEX outbox_record ON outbox(record_id, id)`.execute(db);

  await db.schema
    .createTable('id_map')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('local_id', 'text', (c) => c.notNull().unique())
    .addPrimaryKeyConstraint('id_map_pk', ['connection_id', 'kind', 'remote_id'])
    .execute();

  await db.schema
    .createTable('sync_cursors')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_pull_at', 'text')
    .addPrimaryKeyConstraint('sync_cursors_pk', ['connection_id', 'collection'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['sync_cursors', 'id_map', 'outbox', 'categories', 'records_fts', 'records', 'connections']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db);
  }
}
