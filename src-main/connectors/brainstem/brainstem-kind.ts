import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { ConnectorContext, PullSink, PushOp, PushResult } from '../connector';

/** One BrainSTEM record kind: its endpoints and mapping. The connector routes each op to its kind. */
export interface BrainstemKind {
  kind: RecordKind;
  pull(ctx: ConnectorContext, sink: PullSink): Promise<void>;
  push(ctx: ConnectorContext, op: PushOp): Promise<PushResult>;
  findCreated(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null>;
}
