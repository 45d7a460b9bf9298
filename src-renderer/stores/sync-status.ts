import { useMemo } from 'react';
import { create } from 'zustand';
import type { ConnectionStatus } from '../../src-shared/contract';
import { type CoreReach, summarizeSync, type SyncSummary } from '../../src-shared/domain/sync-summary';
import { client, errorMessage } from '../core/client';
import type { LinkState } from '../core/transport';
import { useLinkStore } from './link';

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

export function coreReach(state: LinkState): CoreReach {
  if (state.kind === 'reconnecting') return 'lost';
  return state.kind;
}

/**
 * What every view says about syncing: one summary (src-shared/domain/sync-summary.ts) of the
 * statuses and of whether the core can be reached, so the status bar, the Pending tab's count,
 * the connection cards and the Pending view agree.
 */
export function useSyncSummary(): SyncSummary {
  const statuses = useSyncStatus((s) => s.statuses);
  const loaded = useSyncStatus((s) => s.loaded);
  const reach = useLinkStore((s) => coreReach(s.state));
  return useMemo(() => summarizeSync(loaded ? statuses : null, reach), [statuses, loaded, reach]);
}
