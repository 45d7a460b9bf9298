import { create } from 'zustand';
import type { ConnectionStatus } from '../../src-shared/contract';
import { client, errorMessage } from '../core/client';

interface SyncStatusState {
  statuses: ConnectionStatus[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  set(statuses: ConnectionStatus[]): void;
}

/** Per-connection sync state, from the initial `sync.status` call and then its events. */
export const useSyncStatus = create<SyncStatusState>((set) => ({
  statuses: [],
  loaded: false,
  error: null,
  async load() {
    try {
      set({ statuses: await client.call('sync.status', {}), loaded: true, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  set(statuses) {
    set({ statuses, loaded: true, error: null });
  },
}));

const STUCK_STATES = new Set<ConnectionStatus['state']>(['offline', 'key_rejected', 'paused', 'error']);

/** States whose message explains why nothing moves; while pulling or pushing an old message is stale. */
const EXPLAINED_STATES = new Set<ConnectionStatus['state']>(['offline', 'rate_limited', 'key_rejected', 'paused', 'error', 'waiting']);

export function statusMessage(s: ConnectionStatus): string | null {
  return s.message && (EXPLAINED_STATES.has(s.state) || s.removalToConfirm !== null) ? s.message : null;
}

export interface SyncTotals {
  pending: number;
  rejected: number;
  conflicts: number;
  done: number;
  /** The slowest connection's ETA. */
  etaMs: number | null;
  online: number;
  offline: number;
}

export function totalsOf(statuses: readonly ConnectionStatus[]): SyncTotals {
  const t: SyncTotals = { pending: 0, rejected: 0, conflicts: 0, done: 0, etaMs: null, online: 0, offline: 0 };
  for (const s of statuses) {
    t.pending += s.pending;
    t.rejected += s.rejected;
    t.conflicts += s.conflicts;
    t.done += s.done;
    if (s.state === 'paused') continue;
    // An ETA only means something while the connection can actually send.
    if (s.etaMs !== null && !STUCK_STATES.has(s.state)) t.etaMs = Math.max(t.etaMs ?? 0, s.etaMs);
    if (s.online && s.state !== 'offline') t.online++;
    else t.offline++;
  }
  return t;
}
