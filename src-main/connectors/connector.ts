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

/** A submission awaiting (or past) an admin's decision, as a reviewer sees the queue. */
export interface RemoteApproval {
  kind: RecordKind;
  approvalId: string;
  action: 'Add' | 'Change';
  status: 'Pending' | 'Accepted' | 'Rejected';
  /** The live record a Change applies to. */
  instanceRemoteId: string | null;
  /** The proposed fields. */
  fields: Fields;
}

/** What became of a proposal this app submitted. */
export interface ProposalUpdate {
  approvalId: string;
  status: 'Pending' | 'Accepted' | 'Rejected';
  /** For an accepted Add: the live record it created, when the remote says. */
  instanceRemoteId: string | null;
  /** The live record's fields after acceptance, when the connector read them. */
  liveFields?: Fields;
  /** Why, when the remote's answer needs explaining (e.g. the submission no longer exists there). */
  message?: string;
}

/**
 * Who the connection acts as, from what the remote answered (never from the key). `named` is
 * false when the remote does not name the key's holder; the label then says what is known.
 */
export interface RemoteAccount {
  label: string;
  named: boolean;
}

/** What a successful check found. */
export interface CheckFinding {
  message: string;
  account: RemoteAccount | null;
}

export interface PullSink {
  categories(categories: RemoteCategory[]): Promise<void>;
  /** Another list of choices for a form's picker (e.g. BrainSTEM's setups), by the `source` its fields name; replaces the last copy. */
  pickList(source: string, items: RemoteCategory[]): Promise<void>;
  /** The approvals this connection's user can see (a reviewer's queue). */
  approvals?(approvals: RemoteApproval[]): Promise<void>;
  page(page: PullPage): Promise<void>;
  /** Every record of `kind` has been delivered: the engine may forget local copies the remote no longer has. */
  complete(kind: RecordKind): Promise<void>;
  /** What the pull showed of whom the key acts as. */
  account?(account: RemoteAccount): void;
}

export interface PushOp {
  /** `accept`/`reject`: a reviewer's decision on the approval `remoteId`. */
  type: 'create' | 'update' | 'delete' | 'accept' | 'reject';
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

export type PushResult =
  | { type: 'saved'; remoteId: string; fields: Fields }
  | { type: 'deleted' }
  /** The remote took the change as a proposal awaiting an admin (nothing live changed yet). */
  | { type: 'proposed'; approvalId: string; action: 'Add' | 'Change'; fields: Fields }
  /** A reviewer's decision was recorded. */
  | { type: 'decided'; approvalId: string; status: 'Accepted' | 'Rejected' };

/** One op's fate inside a batch: the remote may take some items of a request and refuse others. */
export type BatchItemResult = PushResult | { type: 'rejected'; status: number; messages: string[]; fieldErrors?: Record<string, string[]> };

export interface ConnectorContext {
  connection: ConnectionInfo;
  http: RemoteHttp;
  /** Whether a remote id already belongs to a local record (so a lost create is not matched to another record). */
  isKnownRemoteId(kind: RecordKind, remoteId: string): Promise<boolean>;
  /** Whether a proposal a local record carries has this approval id (so a lost create is not matched to another's submission). */
  isKnownApprovalId(approvalId: string): Promise<boolean>;
  /** Something the user should know about how this remote is being read (e.g. a fallback for a refused filter); shown on the connection. */
  notice(message: string): void;
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
  batch?: {
    maxOps: number;
    /** Requests one batch usually takes (guarding reads, the write, the re-read), for the ETA. */
    requestsPerBatch?: number;
    push(ctx: ConnectorContext, ops: PushOp[]): Promise<BatchItemResult[]>;
  };
  /**
   * For remotes without batches whose writes to different records are independent: up to this
   * many never-sent ops of different records go out at once, one request each, when the limit
   * has room for all of them now (default 1: one at a time). An op that was sent before, and so
   * needs a lookup first, always goes alone: a lookup must not see a concurrent create.
   */
  parallelPushes?: number;
  /** Looks for the remote record a create with a lost reply made; null when there is none. */
  findCreated(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null>;
  /**
   * For remotes where resending a non-create op is not harmless (a second proposal, a decision on
   * an already decided approval): whether an op with an unknown outcome already took effect.
   */
  findApplied?(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null>;
  /**
   * For remotes with approvals: what became of these submitted proposals. Called when due
   * (`proposalPollMs`) at a lower priority than pushes, so polling never starves them.
   */
  pollProposals?(ctx: ConnectorContext, approvalIds: string[]): Promise<ProposalUpdate[]>;
  proposalPollMs?: number;
  /**
   * How many approval ids one `pollProposals` call takes (about one request's worth). The engine
   * polls in batches of this size and sends any edit that became ready between two batches.
   */
  proposalPollBatch?: number;
  /**
   * For remotes with approvals: a reviewer connection's queue alone (what a pull ends with), to
   * refresh it between pulls when a proposal was just submitted or the queue is being looked at.
   */
  pullApprovals?(ctx: ConnectorContext): Promise<RemoteApproval[]>;
  /** One request that proves the URL and key work; says what it found, and whom the key acts as. */
  check(ctx: ConnectorContext): Promise<CheckFinding>;
}
