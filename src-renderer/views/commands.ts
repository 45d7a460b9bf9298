import type { PendingOpDto, RecordDetailDto } from '../../src-shared/contract';
import { LABEL_STOCKS } from '../../src-shared/domain/label-stocks';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';
import { client, errorMessage } from '../core/client';
import { downloadBase64 } from '../lib/download';
import { opTypeLabel } from '../lib/format';
import { recordActions } from '../lib/record-actions';
import { detailState } from '../lib/record-state';
import { useApprovals } from '../stores/approvals';
import { useCalibration } from '../stores/calibration';
import { useCommands } from '../stores/commands';
import { useConnections } from '../stores/connections';
import { useOutbox } from '../stores/outbox';
import { isRunning } from '../stores/scan-session';
import { useSelection } from '../stores/selection';
import { useUi, type View } from '../stores/ui';
import { rememberedStock } from './PrintLabels';

/**
 * Everything the user can do from here, in one list: the command palette (Ctrl+K) shows it, and
 * the single-key shortcuts are the commands' `key`s, so what a key does and what the palette says
 * it does cannot differ. Built from the stores as they are now; a command exists only where its
 * action is possible (the record's Delete only for a record that may be deleted, and so on).
 */
export interface Command {
  id: string;
  group: 'Go to' | 'Actions' | 'This record' | 'Pending changes' | 'Connections' | 'Approvals';
  label: string;
  /** `KeyboardEvent.key` that runs it, outside text fields and with no form open. */
  key?: string;
  /** How the key is shown. */
  shortcut?: string;
  keywords?: string[];
  /** Destructive: asked first. */
  confirm?: { question: string; confirmLabel: string };
  run(): void | Promise<unknown>;
}

/** `short`: the tab's text where the row is narrow (a small screen, or zoomed in); its name stays `label`. */
export const VIEWS: readonly { view: View; label: string; short?: string }[] = [
  { view: 'records', label: 'Records' },
  { view: 'pending', label: 'Pending changes', short: 'Pending' },
  { view: 'approvals', label: 'Approvals' },
  { view: 'connections', label: 'Connections' },
  { view: 'history', label: 'What changed', short: 'Changes' },
  { view: 'calibration', label: 'Due dates', short: 'Due' },
  { view: 'session', label: 'Scan session', short: 'Session' },
];

/**
 * The views' tabs: Approvals only for reviewer (administrator) connections, or while it is shown;
 * Scan session while a session runs or it is shown (Shift+S and the palette open it), so the
 * tab row still fits a small screen zoomed in the rest of the time.
 */
export function visibleViews(current: View, reviewer: boolean, sessionRunning = false): (typeof VIEWS)[number][] {
  return VIEWS.filter((t) => (t.view !== 'approvals' || reviewer || current === 'approvals') && (t.view !== 'session' || sessionRunning || current === 'session'));
}

/** Sends what is queued and pulls every connection now (the `r` key, the status bar's button does the same). */
async function syncNow(): Promise<void> {
  try {
    await client.call('sync.now', {});
    useCommands.getState().tell('Syncing every connection now.');
  } catch (e) {
    useCommands.getState().tell(`Sync now failed: ${errorMessage(e)}`, true);
  }
}

export function currentCommands(): Command[] {
  const ui = useUi.getState();
  const { connections } = useConnections.getState();
  const reviewer = connections.some((c) => c.settings.reviewer === 'yes');
  const commands: Command[] = visibleViews(ui.view, reviewer, isRunning()).map((t, i) => ({
    id: `view:${t.view}`,
    group: 'Go to',
    label: t.label,
    key: String(i + 1),
    shortcut: String(i + 1),
    keywords: ['view', 'tab', 'show'],
    run: () => ui.show(t.view),
  }));
  commands.push(
    { id: 'search', group: 'Go to', label: 'Search records', key: '/', shortcut: '/', keywords: ['find'], run: () => ui.requestSearchFocus() },
    { id: 'scan', group: 'Go to', label: 'Scan box', key: 's', shortcut: 's', keywords: ['barcode', 'code', 'serial'], run: () => ui.requestScanFocus() },
    {
      id: 'scan-session',
      group: 'Actions',
      label: 'Scan session: one action, item after item',
      key: 'S',
      shortcut: 'Shift+S',
      keywords: ['audit', 'verify', 'move', 'calibration', 'out of service', 'barcode', 'bulk'],
      run: () => ui.show('session'),
    },
  );
  if (connections.some((c) => SYSTEM_PROFILES[c.system]?.kinds.some((k) => k.canCreate))) {
    commands.push({ id: 'new', group: 'Actions', label: 'New record', key: 'n', shortcut: 'n', keywords: ['create', 'add'], run: () => ui.openForm({ mode: 'create' }) });
  }
  if (connections.length > 0) {
    commands.push({ id: 'sync', group: 'Actions', label: 'Sync now', key: 'r', shortcut: 'r', keywords: ['send', 'pull', 'refresh', 'upload'], run: syncNow });
  }
  commands.push({ id: 'connection:add', group: 'Actions', label: 'Add connection…', keywords: ['new', 'remote', 'system', 'key'], run: () => ui.requestConnectionForm({ mode: 'add' }) });
  const detail = useSelection.getState().detail;
  if (ui.view === 'records' && detail && (!ui.form || ui.form.mode === 'quick')) commands.push(...recordCommands(detail));
  if (ui.view === 'pending') commands.push(...useOutbox.getState().ops.flatMap((op) => opCommands(op, 'Pending changes', op.recordTitle || '(untitled)', reloadOutbox)));
  if (ui.view === 'connections') commands.push(...connectionCommands());
  if (ui.view === 'approvals') commands.push(...approvalCommands());
  return commands;
}

function recordCommands(detail: RecordDetailDto): Command[] {
  const ui = useUi.getState();
  const { profile, canEdit, canDelete } = recordActions(detail, useConnections.getState().connections);
  const title = detail.title || '(untitled)';
  const reload = () => useSelection.getState().reload();
  const commands: Command[] = [];
  if (canEdit) {
    commands.push({ id: 'edit', group: 'This record', label: `Edit “${title}”`, key: 'e', shortcut: 'e', keywords: ['change'], run: () => ui.openForm({ mode: 'edit', id: detail.id }) });
    for (const a of profile?.quickActions ?? []) {
      commands.push({ id: `quick:${a.id}`, group: 'This record', label: `${a.label}: “${title}”`, run: () => ui.openForm({ mode: 'quick', id: detail.id, actionId: a.id }) });
    }
  }
  commands.push(
    {
      id: 'calibrate',
      group: 'This record',
      label: `Record calibration done now: “${title}”`,
      keywords: ['calibrated', 'due', 'schedule'],
      run: async () => {
        try {
          const done = await client.call('bench.act', { recordId: detail.id, act: 'calibrate' });
          useCommands.getState().tell(done.message);
        } catch (e) {
          useCommands.getState().tell(`Recording the calibration failed: ${errorMessage(e)}`, true);
        }
        await Promise.all([reload(), useCalibration.getState().load()]);
      },
    },
    {
      id: 'label',
      group: 'This record',
      label: `Print label: “${title}”`,
      keywords: ['qr', 'sticker', 'pdf'],
      run: async () => {
        const stock = rememberedStock();
        try {
          const file = await client.call('labels.pdf', { recordIds: [detail.id], stock });
          downloadBase64(file.filename, file.pdfBase64, 'application/pdf');
          useCommands.getState().tell(`Saved the label (${LABEL_STOCKS[stock].name}) as ${file.filename}.`);
        } catch (e) {
          useCommands.getState().tell(`Printing the label failed: ${errorMessage(e)}`, true);
        }
      },
    },
  );
  if (canDelete) commands.push({ id: 'delete', group: 'This record', label: `Delete “${title}”…`, key: 'Delete', shortcut: 'Del', keywords: ['remove'], run: () => ui.requestDelete() });
  if (detail.conflictFields.length > 0) {
    const resolve = (keep: 'mine' | 'theirs') => async () => {
      await client.call('records.resolveConflict', { id: detail.id, keep });
      await reload();
    };
    commands.push(
      { id: 'conflict:mine', group: 'This record', label: `Keep mine: “${title}”`, keywords: ['conflict'], run: resolve('mine') },
      { id: 'conflict:theirs', group: 'This record', label: `Use server’s: “${title}”`, keywords: ['conflict'], run: resolve('theirs') },
    );
  }
  if (detail.proposal?.status === 'Rejected') {
    if (canEdit) commands.push({ id: 'proposal:edit', group: 'This record', label: 'Edit and resubmit the proposal', keywords: ['proposal'], run: () => ui.openForm({ mode: 'edit', id: detail.id, fromProposal: true }) });
    commands.push(
      { id: 'proposal:resubmit', group: 'This record', label: 'Resubmit the proposal as is', keywords: ['proposal'], run: andThen(() => client.call('records.resubmitProposal', { id: detail.id }), reload) },
      {
        id: 'proposal:discard',
        group: 'This record',
        label: 'Discard the proposal…',
        keywords: ['proposal'],
        confirm: { question: detail.proposal.action === 'Add' ? 'Discard it? The record goes away here.' : 'Discard it and keep the live record?', confirmLabel: 'Yes, discard' },
        run: async () => {
          const { removed } = await client.call('records.discardProposal', { id: detail.id });
          await (removed ? useSelection.getState().select(null) : reload());
        },
      },
    );
  }
  if (detailState(detail).canFixRejected && detail.ops.some((o) => o.state === 'rejected')) {
    commands.push({ id: 'fix', group: 'This record', label: 'Fix the refused change and resend', run: () => ui.openForm({ mode: 'edit', id: detail.id }) });
  }
  commands.push(...detail.ops.flatMap((op) => opCommands(op, 'This record', title, reload)));
  return commands;
}

/** Retry (refused or failing) and Discard (anything not on its way), as the queue's buttons offer. */
function opCommands(op: PendingOpDto, group: Command['group'], title: string, reload: () => Promise<void>): Command[] {
  const change = `${opTypeLabel(op.type)}${op.type === 'update' ? ` of ${Object.keys(op.payload).join(', ')}` : ''}`;
  const commands: Command[] = [];
  if (op.state === 'rejected' || op.state === 'failing') {
    commands.push({ id: `retry:${op.id}`, group, label: `Retry: ${change} of “${title}”`, keywords: ['refused', 'rejected', 'resend'], run: andThen(() => client.call('outbox.retry', { opId: op.id }), reload) });
  }
  if (op.state !== 'in_flight') {
    commands.push({
      id: `discard:${op.id}`,
      group,
      label: `Discard: ${change} of “${title}”…`,
      keywords: ['drop', 'cancel change'],
      confirm: {
        question: op.type === 'create' ? 'Discard it, and the new record with it?' : op.type === 'delete' ? 'Keep the record (discard the delete)?' : 'Discard this change?',
        confirmLabel: 'Yes, discard',
      },
      run: andThen(() => client.call('outbox.discard', { opId: op.id }), reload),
    });
  }
  return commands;
}

const reloadOutbox = () => useOutbox.getState().load();

/** A call to the core, then the store that shows its effect reloaded. */
function andThen(call: () => Promise<unknown>, reload: () => Promise<void>): () => Promise<void> {
  return async () => {
    await call();
    await reload();
  };
}

function connectionCommands(): Command[] {
  const reload = () => useConnections.getState().load();
  const ui = useUi.getState();
  return useConnections.getState().connections.flatMap((c): Command[] => [
    { id: `edit:${c.id}`, group: 'Connections', label: `Edit connection: ${c.name}`, keywords: ['settings', 'key', 'url'], run: () => ui.requestConnectionForm({ mode: 'edit', id: c.id }) },
    // Removing asks on the connection's card (and again there if it holds unsent edits).
    { id: `remove:${c.id}`, group: 'Connections', label: `Remove connection: ${c.name}…`, keywords: ['delete'], run: () => ui.requestConnectionForm({ mode: 'remove', id: c.id }) },
    {
      id: `check:${c.id}`,
      group: 'Connections',
      label: `Check connection: ${c.name}`,
      keywords: ['test', 'key'],
      run: async () => {
        const check = await client.call('connections.check', { id: c.id });
        useCommands.getState().tell(`${c.name}: ${check.message}`, !check.ok);
      },
    },
    {
      id: `pause:${c.id}`,
      group: 'Connections',
      label: `${c.paused ? 'Resume' : 'Pause'} syncing: ${c.name}`,
      run: andThen(() => client.call('connections.setPaused', { id: c.id, paused: !c.paused }), reload),
    },
  ]);
}

function approvalCommands(): Command[] {
  const reviewers = new Set(useConnections.getState().connections.filter((c) => c.settings.reviewer === 'yes').map((c) => c.id));
  const reload = () => useApprovals.getState().load();
  return useApprovals
    .getState()
    .approvals.filter((a) => a.status === 'Pending' && reviewers.has(a.connectionId))
    .flatMap((a): Command[] =>
      (['accept', 'reject'] as const)
        .filter((decision) => a.queuedDecision !== decision || a.decisionError)
        .map((decision) => ({
          id: `${decision}:${a.connectionId}:${a.approvalId}`,
          group: 'Approvals',
          label: `${decision === 'accept' ? 'Accept' : 'Reject'}: “${a.title || a.approvalId}”`,
          keywords: ['approval', 'proposal', 'decide'],
          run: andThen(() => client.call('approvals.decide', { connectionId: a.connectionId, approvalId: a.approvalId, decision }), reload),
        })),
    );
}
