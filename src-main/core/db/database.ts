import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../../migrations';
import type { Database } from './schema';

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** The raw handle, for the few hot paths (bulk pull) where prepared statements matter. */
  sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** Opens (creating if needed) the mirror at `path`, in WAL mode, and brings its schema up to date. */
export async function openDatabase(path: string, options: { nativeBinding?: string } = {}): Promise<OpenedDatabase> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // Electron loads its own build of the addon (see scripts/electron-sqlite.mjs); Node the default one.
  const sqlite = new BetterSqlite3(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    await db.destroy();
    throw new Error(`Could not bring the local database at ${path} up to date (migration ${failed}): ${String(error)}`);
  }
  return {
    db,
    sqlite,
    close: async () => {
      await db.destroy();
    },
  };
}
