import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { ConnectorContext, ProposalUpdate, PullSink, PushOp, PushResult, RemoteApproval } from '../connector';

/** One BrainSTEM record kind: its endpoints and mapping. The connector routes each op to its kind. */
export interface BrainstemKind {
  kind: RecordKind;
  pull(ctx: ConnectorContext, sink: PullSink): Promise<void>;
  push(ctx: ConnectorContext, op: PushOp): Promise<PushResult>;
  findCreated(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null>;
  /** See Connector.findApplied. */
  findApplied?(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null>;
  /** Kinds under the approval workflow: the submissions awaiting a decision (a reviewer's queue). */
  pendingApprovals?(ctx: ConnectorContext): Promise<RemoteApproval[]>;
  /** Kinds under the approval workflow: what became of these submissions (ids of this kind's approvals). */
  pollProposals?(ctx: ConnectorContext, approvalIds: string[]): Promise<ProposalUpdate[]>;
}
