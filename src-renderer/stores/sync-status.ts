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
    if (s.etaMs !== null) t.etaMs = Math.max(t.etaMs ?? 0, s.etaMs);
    if (s.state === 'paused') continue;
    if (s.online && s.state !== 'offline') t.online++;
    else t.offline++;
  }
  return t;
}
