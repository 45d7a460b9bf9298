import { client, link } from './client';
import { useApprovals } from '../stores/approvals';
import { useCalibration } from '../stores/calibration';
import { useConnections } from '../stores/connections';
import { useOutbox } from '../stores/outbox';
import { useRecords } from '../stores/records';
import { useSelection } from '../stores/selection';
import { useSyncStatus } from '../stores/sync-status';
import { useUi } from '../stores/ui';

/**
 * Keeps the stores in step with the core: the first load, `records.changed` (refetch what is on
 * screen: records, the queue, the reviewer's approvals, which the mirror announces like records),
 * `sync.status` (status bar; new connections; categories after a pull), and a full reload after
 * the headless socket comes back. Nothing is refetched on a timer.
 */
export function wireStores(): () => void {
  let changeTimer: ReturnType<typeof setTimeout> | undefined;
  let changedIds: Set<string> | null = new Set();

  const loadAll = () => {
    void useSyncStatus.getState().load();
    void useConnections.getState().load();
    useRecords.getState().invalidate();
    void useSelection.getState().reload();
    void useOutbox.getState().load();
    if (useUi.getState().view === 'approvals') void useApprovals.getState().load();
    void useCalibration.getState().load();
  };

  // Bursts (a pull of many pages) become one refetch per 150 ms.
  const flushChanges = () => {
    changeTimer = undefined;
    const ids = changedIds;
    changedIds = new Set();
    useRecords.getState().invalidate();
    const selected = useSelection.getState().id;
    if (selected && (ids === null || ids.has(selected))) void useSelection.getState().reload();
    if (useUi.getState().view === 'pending') void useOutbox.getState().load();
    if (useUi.getState().view === 'approvals') void useApprovals.getState().load();
    // The overdue markers of the list, the detail and the scan box follow the records.
    void useCalibration.getState().load();
  };

  const offChanged = client.on('records.changed', ({ ids }) => {
    if (ids === null || changedIds === null) changedIds = null;
    else for (const id of ids) changedIds.add(id);
    changeTimer ??= setTimeout(flushChanges, 150);
  });

  const offStatus = client.on('sync.status', (statuses) => {
    const before = useSyncStatus.getState().statuses;
    useSyncStatus.getState().set(statuses);
    const known = useConnections.getState().connections.map((c) => c.id).sort().join();
    const now = statuses.map((s) => s.connectionId).sort().join();
    if (known !== now) void useConnections.getState().load();
    for (const s of statuses) {
      const prev = before.find((b) => b.connectionId === s.connectionId);
      if (s.lastPullAt && s.lastPullAt !== prev?.lastPullAt) void useConnections.getState().loadPickLists(s.connectionId);
    }
    if (useUi.getState().view === 'pending') void useOutbox.getState().load();
  });

  let wasDropped = false;
  const offState = link.onState((state) => {
    if (state.kind === 'reconnecting') wasDropped = true;
    if (state.kind === 'open' && wasDropped) {
      wasDropped = false;
      loadAll();
    }
  });

  loadAll();
  return () => {
    clearTimeout(changeTimer);
    offChanged();
    offStatus();
    offState();
  };
}
