import { DUE_LABELS, type DueStatus } from '../../src-shared/domain/calibration';
import { useCalibration } from '../stores/calibration';
import './Calibration.css';

/** A schedule status in words, coloured too (never colour alone). */
export function DueStatusBadge({ status }: { status: DueStatus }) {
  return <span className={`due due-${status}`}>{DUE_LABELS[status]}</span>;
}

/**
 * The record's calibration marker in lists and the scan box: shown only when something needs
 * doing (overdue, due soon); a record in date or without schedules shows nothing.
 */
export function DueBadge({ recordId }: { recordId: string }) {
  const status = useCalibration((s) => s.worst[recordId]);
  if (status !== 'overdue' && status !== 'due_soon') return null;
  return (
    <span className={`badge due-badge due-${status}`} data-testid="due-badge">
      {status === 'overdue' ? 'Calibration overdue' : 'Calibration due soon'}
    </span>
  );
}
