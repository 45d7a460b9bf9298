import type { Fields, RecordKind, SystemId } from '../../src-shared/domain/record-kinds';
import type { LimitWindow } from '../core/sync/rate-limiter';
import type { RemoteHttp } from './http';

/**
 * What the sync engine needs from a remote system. A connector maps the remote's wire format to
 * records and back; it never touches the database. Classified failures are thrown as the
 * errors in `remote-errors.ts`.
 */
export interface ConnectionInfo {
  id: string;
  baseUrl: string;
  settings: Record<string, string>;
  apiKey: string;
}

export interface RemoteRecord {
  kind: RecordKind;
  remoteId: string;
  fields: Fields;
  /** False for records the user may only read (someone else's). */
  editable: boolean;
}

export interface RemoteCategory {
  remoteId: string;
  name: string;
  description: string;
}

/** One page of a pull, applied by the engine in its own transaction. */
export interface PullPage {
  kind: RecordKind;
  records: RemoteRecord[];
}

export interface PullSink {
  categories(categories: RemoteCategory[]): Promise<void>;
  page(page: PullPage): Promise<void>;
  /** Every record of `kind` has been delivered: the engine may forget local copies the remote no longer has. */
  complete(kind: RecordKind): Promise<void>;
}

export interface PushOp {
  type: 'create' | 'update' | 'delete';
  kind: RecordKind;
  recordId: string;
  remoteId: string | null;
  /** create: all fields; update: the changed fields; delete: empty. */
  payload: Fields;
  /** The record as the user sees it (all fields). */
  fields: Fields;
  /** Sends so far whose outcome is unknown (a create with attempts > 0 may already exist remotely). */
  attempts: number;
}

export type PushResult = { type: 'saved'; remoteId: string; fields: Fields } | { type: 'deleted' };

/** One op's fate inside a batch: the remote may take some items of a request and refuse others. */
export type BatchItemResult = PushResult | { type: 'rejected'; status: number; messages: string[]; fieldErrors?: Record<string, string[]> };

export interface ConnectorContext {
  connection: ConnectionInfo;
  http: RemoteHttp;
  /** Whether a remote id already belongs to a local record (so a lost create is not matched to another record). */
  isKnownRemoteId(kind: RecordKind, remoteId: string): Promise<boolean>;
}

export interface Connector {
  system: SystemId;
  /** The remote's published limit, enforced client-side across every call to one connection. */
  rateLimit: readonly LimitWindow[];
  /** How often to pull when idle. */
  pullIntervalMs: number;
  authHeaders(connection: ConnectionInfo): Record<string, string>;
  pull(ctx: ConnectorContext, sink: PullSink): Promise<void>;
  push(ctx: ConnectorContext, op: PushOp): Promise<PushResult>;
  /**
   * For remotes that take several writes in one request: up to `maxOps` ready ops (of different
   * records) go together, and one result per op comes back in the same order. Failures of the
   * request as a whole (429, 5xx, network) are thrown as for `push`.
   */
  batch?: { maxOps: number; push(ctx: ConnectorContext, ops: PushOp[]): Promise<BatchItemResult[]> };
  /** Looks for the remote record a create with a lost reply made; null when there is none. */
  findCreated(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null>;
  /** One request that proves the URL and key work; says what it found. */
  check(ctx: ConnectorContext): Promise<string>;
}
