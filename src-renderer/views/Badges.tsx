import type { RecordSummaryDto } from '../../src-shared/contract';
import type { RecordStatus } from '../../src-shared/domain/record-kinds';
import { STATUS_LABELS } from '../lib/format';

export function StatusBadge({ status }: { status: RecordStatus }) {
  if (status === 'synced') return null;
  return <span className={`badge badge-${status}`}>{STATUS_LABELS[status]}</span>;
}

/** Everything a row or a detail header says about a record's state, in words (colour only repeats it). */
export function RecordBadges({ record }: { record: Pick<RecordSummaryDto, 'status' | 'editable' | 'deleted'> }) {
  return (
    <>
      {record.deleted ? <span className="badge badge-deleted">delete pending</span> : null}
      {record.deleted && record.status === 'pending' ? null : <StatusBadge status={record.status} />}
      {record.editable ? null : <span className="badge badge-readonly">read-only</span>}
    </>
  );
}
