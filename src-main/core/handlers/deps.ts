import type { Method, ParsedRequestOf, ReplyOf } from '../../../src-shared/contract';
import type { CalibrationReads } from '../bench/calibration-reads';
import type { Db } from '../db/schema';
import type { ConnectionStore } from '../connections/connection-store';
import type { HistoryQueries } from '../history/history-queries';
import type { HistoryView } from '../history/history-view';
import type { Mirror } from '../mirror/mirror';
import type { OutboxQueries } from '../outbox/outbox-queries';
import type { RecordQueries } from '../records/record-queries';
import type { AppSettings } from '../settings/app-settings';
import type { SyncEngine } from '../sync/sync-engine';

/** What the handlers reach. Writes go through the mirror, which announces them itself. */
export interface HandlerDeps {
  version: string;
  dataDir: string;
  transport: 'electron' | 'headless' | 'in-process';
  connections: ConnectionStore;
  queries: RecordQueries;
  mirror: Mirror;
  outbox: OutboxQueries;
  engine: SyncEngine;
  history: HistoryQueries;
  historyView: HistoryView;
  settings: AppSettings;
  calibration: CalibrationReads;
  /** For reads only (e.g. resolving an import's rows); writes go through `mirror`. */
  db: Db;
}

export type HandlerTable = { [M in Method]: (request: ParsedRequestOf<M>) => Promise<ReplyOf<M>> };

/** The handlers of one area of the contract. */
export type AreaHandlers<M extends Method> = { [K in M]: (request: ParsedRequestOf<K>) => Promise<ReplyOf<K>> };
