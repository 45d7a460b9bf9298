import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type SqliteDatabase } from 'kysely';
import { migrationProvider } from '../../../migrations';
import type { Database } from './schema';
import { startWalCheckpointer, type WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer';

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** The raw handle, for the few hot paths (bulk pull) where prepared statements matter. */
  sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** SQLite's default auto-checkpoint (pages), restored if the checkpoint worker fails. */
const DEFAULT_AUTOCHECKPOINT = 1000;
/** When the WAL restarts, its file is cut back to this size (at most half the checkpointer's hold size). */
const WAL_SIZE_LIMIT = 16 * 1024 * 1024;
/** WAL size at which the checkpointer asks a pull to hold so that the WAL can start over. */
const DEFAULT_HOLD_BYTES = 32 * 1024 * 1024;
/** Prepared statements kept per connection (kysely prepares every query it runs). */
const STATEMENT_CACHE = 300;

const checkpointers = new WeakMap<Kysely<Database>, WalCheckpointer>();

/**
 * Where a long run of write transactions (a pull) can let the WAL start over: resolves at once,
 * unless the checkpointer has asked writers to hold until it has copied the WAL (see
 * wal-checkpointer.ts; at most a few tens of milliseconds, and the event loop stays free).
 */
export function checkpointPause(db: Kysely<Database>): Promise<void> {
  return checkpointers.get(db)?.pause() ?? Promise.resolve();
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
export async function openDatabase(
  path: string,
  options: { nativeBinding?: string; checkpoint?: Omit<WalCheckpointerOptions, 'nativeBinding' | 'onError'> } = {},
): Promise<OpenedDatabase> {
  const inFile = path !== ':memory:';
  if (inFile) {
    makePrivateDir(dirname(path));
    makePrivateFiles(path);
  }
  // Electron loads its own build of the addon (see scripts/electron-sqlite.mjs); Node the default one.
  const sqlite = new BetterSqlite3(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  tuneReads(sqlite);
  // SQLite's lower() folds ASCII only: codes with other capitals ("Ä", "Σ") compare as JavaScript does.
  sqlite.function('unicode_lower', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text) as string | null);
  // Checkpoints run in a worker (see wal-checkpointer.ts), not in whichever commit crosses the threshold.
  let checkpointer: WalCheckpointer | undefined;
  if (inFile) {
    sqlite.pragma('wal_autocheckpoint = 0');
    const holdBytes = options.checkpoint?.holdBytes ?? DEFAULT_HOLD_BYTES;
    sqlite.pragma(`journal_size_limit = ${Math.min(WAL_SIZE_LIMIT, Math.floor(holdBytes / 2))}`);
    checkpointer = startWalCheckpointer(path, sqlite, {
      ...options.checkpoint,
      holdBytes,
      nativeBinding: options.nativeBinding,
      onError: () => {
        if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
      },
    });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite, STATEMENT_CACHE) }) });
  // Migrations are independent of each other, numbered as they were planned: one written later
  // with a lower number (work merged from a parallel branch) still runs on a database past it.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    await db.destroy();
    await checkpointer?.close();
    throw new Error(`Could not bring the local database at ${path} up to date (migration ${failed}): ${String(error)}`);
  }
  if (checkpointer) checkpointers.set(db, checkpointer);
  return {
    db,
    sqlite,
    close: async () => {
      await db.destroy();
      // After the main connection: the worker's connection is then the last one, and its final
      // checkpoint leaves no WAL behind.
      await checkpointer?.close();
    },
  };
}

/** The main connection's page cache, in KiB: enough to hold `records_list` (16 MB at 110k records) and the search index's hot pages. */
export const PAGE_CACHE_KIB = 32 * 1024;

/**
 * A filtered search walks `records_list`, thousands of pages (docs/search.md). SQLite's default
 * cache (2 MB) holds few of them, so each walk read them again from the file: a full walk of it
 * took 19 ms with the default cache and 8 ms with this one. The bench's raw-SQL baseline opens
 * its connection the same way.
 */
export function tuneReads(sqlite: BetterSqlite3.Database): void {
  sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
}

/**
 * Kysely's SQLite driver prepares every query it runs; preparing costs about as much as running
 * a small query. The same SQL text (kysely emits placeholders) reuses its statement here, least
 * recently used first out. Safe because kysely runs one query at a time on its single connection.
 */
function cachingStatements(sqlite: BetterSqlite3.Database, max: number): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (stmt) cache.delete(sql);
      else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
