import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
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

/**
 * The folder holding the mirror and the keys, readable only by this user (0700): on a bench PC
 * shared by several accounts nobody else may read the lab's records. A folder made by an older
 * version (0755) is tightened too.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
  } catch (error) {
    // Another account's folder we may write in (e.g. --data-dir /tmp): the files are still 0600.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/** The database file and its WAL/SHM companions, readable only by this user (SQLite gives the companions the main file's mode). */
function makePrivateFiles(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const p of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(p)) chmodSync(p, 0o600);
}

/** Opens (creating if needed) the mirror at `path`, in WAL mode, and brings its schema up to date. */
export async function openDatabase(path: string, options: { nativeBinding?: string } = {}): Promise<OpenedDatabase> {
  if (path !== ':memory:') {
    makePrivateDir(dirname(path));
    makePrivateFiles(path);
  }
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
