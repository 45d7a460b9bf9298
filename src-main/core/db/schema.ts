import type { ColumnType, Generated, Kysely } from 'kysely';
import type { OpState } from '../../../src-shared/domain/record-state';

/** Kysely's view of the tables created in `migrations/`. JSON columns are TEXT. */
export interface ConnectionsTable {
  id: string;
  system: string;
  name: string;
  base_url: string;
  settings: string;
  paused: number;
  created_at: string;
}

export interface RecordsTable {
  id: string;
  connection_id: string;
  kind: string;
  remote_id: string | null;
  fields: string;
  base_fields: string | null;
  remote_fields: string | null;
  conflict_fields: string | null;
  editable: number;
  status: string;
  deleted: number;
  title: string;
  subtitle: string;
  vendor: string;
  serial: string;
  notes: string;
  seen_generation: number;
  updated_at: string;
  proposal: string | null;
  /** JSON array of every approval id this record has carried here. */
  proposal_history: ColumnType<string, string | undefined, string>;
  /** When the record last matched the server (pulled unchanged, or our change acknowledged with nothing left queued). */
  synced_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Every pick list pulled from a remote (categories, setups...), by `source`. */
export interface CategoriesTable {
  connection_id: string;
  source: Generated<string>;
  remote_id: string;
  name: string;
  description: string;
  /** When the server refused this account writing through this choice (e.g. a BrainSTEM setup it only reads). */
  write_refused_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OutboxTable {
  id: Generated<number>;
  connection_id: string;
  record_id: string;
  kind: string;
  type: string;
  payload: string;
  base: string;
  remote_id: string | null;
  state: OpState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  field_errors: string | null;
  created_at: string;
  updated_at: string;
  /** JSON {payload, fields}: what the last attempt carried. */
  sent: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IdMapTable {
  connection_id: string;
  kind: string;
  remote_id: string;
  local_id: string;
}

export interface SyncCursorsTable {
  connection_id: string;
  collection: string;
  cursor: string | null;
  generation: number;
  last_pull_at: string | null;
}

export interface ApprovalsTable {
  connection_id: string;
  remote_id: string;
  kind: string;
  action: string;
  status: string;
  instance_remote_id: string | null;
  fields: string;
  updated_at: string;
}

/** Requests sent to a remote (epoch ms), kept for the longest rate-limit window. */
export interface RateLimitSendsTable {
  connection_id: string;
  sent_at: number;
}

/** One history entry (migration 0009; docs/history.md). Append-only: never updated or deleted. */
export interface HistoryTable {
  id: number;
  at: string;
  os_user: string;
  account: string | null;
  connection_id: string;
  record_id: string;
  remote_id: string | null;
  kind: string;
  source: string;
  event: string;
  field: string | null;
  before: string | null;
  after: string | null;
  op_id: number | null;
  detail: string | null;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

export interface HistoryHeadTable {
  one: number;
  last_id: number;
  hash: string;
}

/** What writes did to `records` (filled by triggers), turned into history entries before the commit. */
export interface HistoryStagingTable {
  id: Generated<number>;
  record_id: string;
  connection_id: string;
  kind: string;
  remote_id: string | null;
  before_fields: string | null;
  after_fields: string | null;
  before_deleted: number | null;
  after_deleted: number | null;
}

export interface AppSettingsTable {
  key: string;
  value: string;
}

/** One bench act or undo of one (migration 0010; docs/calibration.md). Append-only. */
export interface BenchLogTable {
  id: Generated<number>;
  record_id: string;
  connection_id: string;
  act: string;
  at: string;
  os_user: string;
  session_id: string | null;
  place: string | null;
  schedule: string | null;
  note: string | null;
  how: 'edit' | 'log';
  op_id: number | null;
  before: string | null;
  after: string | null;
  op_before: string | null;
  undoes: number | null;
  message: string;
  created_at: string;
}

/** A record's maintenance schedule kept in the mirror (records whose remote cannot hold them). */
export interface MaintenanceSchedulesTable {
  id: Generated<number>;
  record_id: string;
  name: string;
  interval_days: number;
  warning_days: number;
  lives: ColumnType<string, string | undefined, string>;
  created_at: string;
  updated_at: string;
}

export interface Database {
  bench_log: BenchLogTable;
  maintenance_schedules: MaintenanceSchedulesTable;
  history: HistoryTable;
  history_head: HistoryHeadTable;
  history_staging: HistoryStagingTable;
  app_settings: AppSettingsTable;
  rate_limit_sends: RateLimitSendsTable;
  approvals: ApprovalsTable;
  connections: ConnectionsTable;
  records: RecordsTable;
  categories: CategoriesTable;
  outbox: OutboxTable;
  id_map: IdMapTable;
  sync_cursors: SyncCursorsTable;
}

export type Db = Kysely<Database>;
