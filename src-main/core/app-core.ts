import { join } from 'node:path';
import type { EventName, EventOf } from '../../src-shared/contract';
import { ConnectionStore } from './connections/connection-store';
import { openDatabase } from './db/database';
import { createDispatcher, type DispatchReply } from './dispatch';
import { createHandlers } from './handlers';
import { OutboxStore } from './outbox/outbox-store';
import { LocalEdits } from './records/local-edits';
import { RecordQueries } from './records/record-queries';
import { fileModeOnlyCipher, type SecretCipher, SecretStore } from './secrets/secret-store';
import { SyncEngine, type SyncEngineOptions } from './sync/sync-engine';

export const APP_VERSION = '0.1.0';

export interface AppCoreOptions {
  dataDir: string;
  transport: 'electron' | 'headless' | 'in-process';
  cipher?: SecretCipher;
  sync?: Partial<Omit<SyncEngineOptions, 'db' | 'outbox' | 'connections' | 'onStatus' | 'onRecordsChanged'>>;
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
  const outbox = new OutboxStore(db);
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

  const engine = new SyncEngine({
    db,
    outbox,
    connections,
    ...options.sync,
    onStatus: (statuses) => emit('sync.status', statuses),
    onRecordsChanged: recordsChanged,
  });
  const handlers = createHandlers({
    version: APP_VERSION,
    dataDir: options.dataDir,
    transport: options.transport,
    connections,
    queries: new RecordQueries(db),
    edits: new LocalEdits(db, connections),
    outbox,
    engine,
    recordsChanged: (connectionId, ids) => {
      recordsChanged(connectionId, ids);
      engine.statusChanged();
    },
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
