import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * WAL checkpoints off the request path. With SQLite's auto-checkpoint, the commit that crosses
 * 1000 pages copies the whole WAL into the database file (35-65 ms during a big pull), and every
 * UI request waits behind it. Instead the main connection runs with `wal_autocheckpoint = 0`, and
 * a worker thread with its own connection to the same file runs PASSIVE checkpoints, at most every
 * `intervalMs` while the database changes. PASSIVE never takes the write lock: the main
 * connection's reads and writes go on meanwhile.
 *
 * The worker never takes the write lock at all (RESTART/TRUNCATE do): a deferred transaction on
 * the main connection that read before writing would then fail at once with SQLITE_BUSY (SQLite
 * does not wait for a lock when upgrading a read transaction).
 *
 * Keeping the WAL bounded: it starts over from its beginning only at a commit that finds it wholly
 * checkpointed, which a writer that never pauses (a big pull) never does: the PASSIVE copy is
 * always a little behind. So once the WAL file passes `holdBytes`, the worker asks long runs of
 * writes to hold (`pause()`, which the pull awaits between its transactions) until a pass has
 * copied everything; the next commit then writes the WAL from the start, and cuts the file to the
 * main connection's journal_size_limit (which must be below holdBytes). The pull waits for one
 * pass; the event loop does not. A hold lasts at most `maxHoldMs`. Past `catchUpBytes` (a writer
 * that does not pause), the main connection copies the rest itself, between its transactions.
 *
 * Once nothing has changed for `idleMs`, the main connection truncates the WAL to 0 bytes (nothing
 * left to copy by then: a file truncation, between its transactions, with no busy wait). On close,
 * the worker's final TRUNCATE after the main connection has closed leaves no WAL behind.
 *
 * The worker's code is inline (`eval`) and `require`s better-sqlite3 by an absolute path resolved
 * here, so the electron-vite bundle needs no extra entry or file; it loads the same native build
 * the main connection uses (`nativeBinding`, e.g. Electron's ABI).
 */
export interface WalCheckpointerOptions {
  nativeBinding?: string;
  intervalMs?: number;
  idleMs?: number;
  holdBytes?: number;
  maxHoldMs?: number;
  catchUpBytes?: number;
  /** Called if the worker fails (the caller falls back to SQLite's own auto-checkpoint). */
  onError?: (error: Error) => void;
}

export interface WalCheckpointer {
  /** Resolves at once, or when the WAL has been wholly checkpointed if the worker asked writers to hold. */
  pause(): Promise<void>;
  /** Call after the main connection closed: final checkpoint, then the worker's connection closes and the thread ends. */
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.modulePath);
const { path, nativeBinding, intervalMs, idleMs, holdBytes, catchUpBytes } = workerData;
const db = new Database(path, nativeBinding ? { nativeBinding } : {});
db.pragma('busy_timeout = 0');
const dataVersion = db.prepare('PRAGMA data_version').pluck();
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const walBytes = () => {
  try {
    return statSync(path + '-wal').size;
  } catch {
    return 0;
  }
};
let seen = dataVersion.get();
let dirty = true;
let holding = false;
let lastCheckpoint = 0;
let lastChange = Date.now();
let idleSent = false;
let timer;
const tick = () => {
  const now = Date.now();
  const v = dataVersion.get();
  if (v !== seen) {
    seen = v;
    dirty = true;
    idleSent = false;
    lastChange = now;
  }
  if (dirty && (holding || now - lastCheckpoint >= intervalMs)) {
    lastCheckpoint = now;
    const r = passive.get();
    // Wholly copied only if nothing was committed while the pass ran.
    const complete = r.busy === 0 && r.log === r.checkpointed && dataVersion.get() === v;
    if (complete) dirty = false;
    const size = walBytes();
    if (holding && complete) {
      holding = false;
      parentPort.postMessage('go');
    } else if (!holding && size > holdBytes) {
      holding = true;
      parentPort.postMessage('hold');
    }
    if (size > catchUpBytes) parentPort.postMessage('catch-up');
  }
  if (!dirty && !idleSent && now - lastChange >= idleMs && walBytes() > 0) {
    idleSent = true;
    parentPort.postMessage('idle');
  }
};
const loop = () => {
  try {
    tick();
  } catch {
    // SQLITE_BUSY and the like: the next tick tries again.
  }
  // While writers hold, pass again soon: the pull waits for it.
  timer = setTimeout(loop, holding ? 2 : Math.max(5, Math.min(intervalMs, idleMs) / 2));
};
loop();
parentPort.on('message', (msg) => {
  if (msg === 'released') {
    // The main side stopped waiting (maxHoldMs): start over from the size check.
    holding = false;
    return;
  }
  if (msg !== 'close') return;
  clearTimeout(timer);
  try {
    db.pragma('busy_timeout = 2000');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // Left for the next open: SQLite finishes a checkpoint whenever it is next asked to.
  } finally {
    db.close();
    parentPort.close();
  }
});
`;

export function startWalCheckpointer(path: string, main: BetterSqlite3.Database, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      modulePath,
      nativeBinding: options.nativeBinding ?? null,
      intervalMs: options.intervalMs ?? 100,
      idleMs: options.idleMs ?? 1_000,
      holdBytes: options.holdBytes ?? 32 * 1024 * 1024,
      catchUpBytes: options.catchUpBytes ?? 4 * (options.holdBytes ?? 32 * 1024 * 1024),
    },
  });
  const maxHoldMs = options.maxHoldMs ?? 500;
  // Never keeps the process alive on its own (close() still waits for it).
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let failed = false;
  let hold: { promise: Promise<void>; release(): void } | null = null;
  const startHold = () => {
    if (hold) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const timer = setTimeout(() => {
      release();
      worker.postMessage('released');
    }, maxHoldMs);
    const release = () => {
      clearTimeout(timer);
      if (hold?.promise === promise) hold = null;
      resolve();
    };
    hold = { promise, release };
  };
  worker.on('error', (error) => {
    failed = true;
    hold?.release();
    options.onError?.(error);
  });
  worker.on('message', (msg) => {
    if (msg === 'hold') return startHold();
    if (msg === 'go') return hold?.release();
    // Only between the main connection's transactions, and without waiting for a lock: if the
    // worker is mid-pass or a transaction is open, a later message tries again.
    const mode = msg === 'idle' ? 'TRUNCATE' : msg === 'catch-up' ? 'PASSIVE' : null;
    if (!mode || !main.open || main.inTransaction) return;
    const timeout = main.pragma('busy_timeout', { simple: true }) as number;
    main.pragma('busy_timeout = 0');
    try {
      main.pragma(`wal_checkpoint(${mode})`);
    } catch {
      // Busy: tried again at a later message.
    } finally {
      main.pragma(`busy_timeout = ${timeout}`);
    }
  });
  let closing: Promise<void> | undefined;
  return {
    pause: () => hold?.promise ?? Promise.resolve(),
    close: () =>
      (closing ??= (async () => {
        hold?.release();
        worker.ref();
        if (!failed) worker.postMessage('close');
        // A worker that cannot finish is ended; SQLite's checkpoints are crash-safe, the next
        // open finishes the job.
        const timeout = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(timeout);
      })()),
  };
}
