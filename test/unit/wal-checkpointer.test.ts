import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { checkpointPause, openDatabase } from '../../src-main/core/db/database';
import { tempDir } from '../integration/harness';

const MB = 1024 * 1024;
const walSize = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `mb` megabytes in transactions of ~200 kB, like a pull; returns the largest WAL seen. */
async function write(opened: Awaited<ReturnType<typeof openDatabase>>, path: string, mb: number, pause: boolean): Promise<number> {
  const pad = 'x'.repeat(2_000);
  let max = 0;
  for (let i = 0; i < mb * 5; i++) {
    if (pause) await checkpointPause(opened.db);
    await opened.db.transaction().execute(async (trx) => {
      for (let j = 0; j < 100; j++) await sql`INSERT INTO wal_test (v) VALUES (${pad})`.execute(trx);
    });
    max = Math.max(max, walSize(path));
    await new Promise((r) => setImmediate(r));
  }
  return max;
}

describe('WAL checkpoints in a worker (real SQLite file)', () => {
  it('the main connection never checkpoints on its own; the worker keeps the WAL bounded through a long run of writes, truncates it when idle, and leaves none after close', async () => {
    const dir = tempDir('benchsync-wal-');
    try {
      const path = join(dir.path, 'wal.sqlite');
      const opened = await openDatabase(path, { checkpoint: { intervalMs: 20, idleMs: 300, holdBytes: 2 * MB } });
      expect(opened.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      await sql`CREATE TABLE wal_test (id INTEGER PRIMARY KEY, v TEXT)`.execute(opened.db);

      // 40 MB written with the pull's pauses: the WAL stays near the hold size, nowhere near 40 MB.
      const max = await write(opened, path, 40, true);
      expect(max).toBeLessThan(12 * MB);
      const rows = await sql<{ n: number }>`SELECT count(*) AS n FROM wal_test`.execute(opened.db);
      expect(rows.rows[0]!.n).toBe(40 * 5 * 100);

      // Idle: truncated to nothing (bounded wait).
      for (let i = 0; i < 100 && walSize(path) > 0; i++) await sleep(50);
      expect(walSize(path)).toBe(0);

      await opened.close();
      expect(existsSync(`${path}-wal`)).toBe(false);
      // Everything reached the database file.
      const again = await openDatabase(path);
      expect((await sql<{ n: number }>`SELECT count(*) AS n FROM wal_test`.execute(again.db)).rows[0]!.n).toBe(40 * 5 * 100);
      await again.close();
    } finally {
      dir.remove();
    }
  });

  it('a writer that never pauses still has its WAL bounded (the main connection catches up)', async () => {
    const dir = tempDir('benchsync-wal-');
    try {
      const path = join(dir.path, 'wal.sqlite');
      const opened = await openDatabase(path, { checkpoint: { intervalMs: 20, idleMs: 300, holdBytes: 2 * MB, catchUpBytes: 6 * MB } });
      await sql`CREATE TABLE wal_test (id INTEGER PRIMARY KEY, v TEXT)`.execute(opened.db);
      const max = await write(opened, path, 40, false);
      // Unbounded, the WAL would hold all 40 MB; how far past the catch-up size it gets depends on how busy the machine is.
      expect(max).toBeLessThan(30 * MB);
      await opened.close();
      expect(existsSync(`${path}-wal`)).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('opens and closes many databases without leaving threads, timers or handles behind', async () => {
    const dir = tempDir('benchsync-wal-');
    try {
      const before = process.getActiveResourcesInfo().length;
      for (let i = 0; i < 12; i++) {
        const path = join(dir.path, `db-${i}.sqlite`);
        const opened = await openDatabase(path);
        await opened.db.insertInto('connections').values({ id: `c${i}`, system: 'catalog', name: 'n', base_url: 'http://127.0.0.1', settings: '{}', paused: 0, created_at: 'x' }).execute();
        // Closing at once, before the worker has even started, must work too.
        await opened.close();
        expect(existsSync(`${path}-wal`)).toBe(false);
      }
      await sleep(50);
      expect(process.getActiveResourcesInfo().length).toBeLessThanOrEqual(before);
    } finally {
      dir.remove();
    }
  });

  it('an in-memory database has no checkpointer', async () => {
    const opened = await openDatabase(':memory:');
    expect(opened.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointPause(opened.db);
    await opened.close();
  });
});
