import type { RecordDetailDto } from '../../src-shared/contract';
import { recordState, type RecordState } from '../../src-shared/domain/record-state';

/** The same rules the core applies (src-shared/domain/record-state.ts), for what a record's panel offers. */
export function detailState(detail: RecordDetailDto): RecordState {
  return recordState({
    remoteEditable: detail.editable,
    refusedScope: detail.readOnlyScope?.name ?? null,
    deleted: detail.deleted,
    inConflict: detail.conflictFields.length > 0,
    proposal: detail.proposal?.status ?? null,
    onRemote: detail.remoteId !== null,
    ops: detail.ops,
  });
}
