import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { EventName, EventOf } from '../../src-shared/contract';
import { CalibrationReads } from './bench/calibration-reads';
import { ConnectionStore } from './connections/connection-store';
import { openDatabase } from './db/database';
import { createDispatcher, type DispatchReply } from './dispatch';
import { createHandlers } from './handlers';
import { HistoryQueries } from './history/history-queries';
import { HistoryView } from './history/history-view';
import { Mirror } from './mirror/mirror';
import { OutboxQueries } from './outbox/outbox-queries';
import { RecordQueries } from './records/record-queries';
import { fileModeOnlyCipher, type SecretCipher, SecretStore } from './secrets/secret-store';
import { AppSettings } from './settings/app-settings';
import { SyncEngine, type SyncEngineOptions } from './sync/sync-engine';

export const APP_VERSION = '0.1.0';

export interface AppCoreOptions {
  dataDir: string;
  transport: 'electron' | 'headless' | 'in-process';
  cipher?: SecretCipher;
  sync?: Partial<Omit<SyncEngineOptions, 'db' | 'mirror' | 'outbox' | 'connections' | 'onStatus'>>;
  log?: (message: string) => void;
  /** A build of better-sqlite3's addon for another runtime (Electron's ABI). */
  sqliteNativeBinding?: string;
}

export type EventListener = (event: EventName, payload: EventOf<EventName>) => void;

export interface AppCore {
  dispatch(method: unknown, payload: unknown): Promise<DispatchReply>;
  onEvent(listener: EventListener): () => void;
  engine: SyncEngine;
  dataDir: string;
  close(): Promise<void>;
}

/** The whole main-process core in plain Node: the mirror, outbox, connectors and sync engine. */
export async function createAppCore(options: AppCoreOptions): Promise<AppCore> {
  const opened = await openDatabase(join(options.dataDir, 'benchsync.sqlite'), { nativeBinding: options.sqliteNativeBinding });
  const { db } = opened;
  const secrets = new SecretStore(join(options.dataDir, 'secrets.json'), options.cipher ?? fileModeOnlyCipher);
  const connections = new ConnectionStore(db, secrets);
  // Whom each connection acts as is what its sync last learnt (a check, a pull); the engine comes next.
  let engine: SyncEngine | undefined;
  const mirror = new Mirror(db, connections, { osUser: osUserName(), accountOf: (id) => engine?.sync(id)?.account?.label ?? null });
  const outbox = new OutboxQueries(db);
  const listeners = new Set<EventListener>();
  const emit = <E extends EventName>(event: E, payload: EventOf<E>) => {
    for (const l of listeners) l(event, payload);
  };

  // Record change notices are batched: a pull of thousands of records becomes a few events.
  let pendingChange: { connectionId: string | null; ids: Set<string> | null } | null = null;
  let changeTimer: NodeJS.Timeout | undefined;
  const recordsChanged = (connectionId: string | null, ids: string[] | null) => {
    if (!pendingChange) pendingChange = { connectionId, ids: ids ? new Set(ids) : null };
    else {
      if (pendingChange.connectionId !== connectionId) pendingChange.connectionId = null;
      if (!ids || !pendingChange.ids || pendingChange.ids.size > 500) pendingChange.ids = null;
      else for (const id of ids) pendingChange.ids.add(id);
    }
    changeTimer ??= setTimeout(() => {
      changeTimer = undefined;
      const c = pendingChange!;
      pendingChange = null;
      emit('records.changed', { connectionId: c.connectionId, ids: c.ids ? [...c.ids] : null });
    }, 50);
  };

  engine = new SyncEngine({
    db,
    mirror,
    outbox,
    connections,
    ...options.sync,
    onStatus: (statuses) => emit('sync.status', statuses),
  });
  // Every write of the mirror is announced once: windows refresh, the status follows, and a local
  // edit wakes its connection's sync loop.
  mirror.onChange((change) => {
    recordsChanged(change.connectionId, change.ids);
    engine.statusChanged();
    if (change.local) engine.kick(change.connectionId ?? undefined);
  });
  const handlers = createHandlers({
    version: APP_VERSION,
    dataDir: options.dataDir,
    transport: options.transport,
    connections,
    queries: new RecordQueries(db),
    mirror,
    outbox,
    engine,
    history: new HistoryQueries(db),
    historyView: new HistoryView(db),
    settings: new AppSettings(db),
    calibration: new CalibrationReads(db),
    db,
  });
  await engine.start();

  return {
    dispatch: createDispatcher(handlers, options.log),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    engine,
    dataDir: options.dataDir,
    close: async () => {
      clearTimeout(changeTimer);
      listeners.clear();
      await engine.stop();
      await opened.close();
    },
  };
}

/** The workstation's OS user, for the history's "who". */
function osUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
