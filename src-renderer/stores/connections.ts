import { useMemo } from 'react';
import { create } from 'zustand';
import type { Connection } from '../../src-shared/contract';
import type { SystemId } from '../../src-shared/domain/record-kinds';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';
import { pickListOf } from '../../src-shared/domain/remotes/profile';
import { client, errorMessage } from '../core/client';
import { connectionLabels, rowSource, type RowSource } from '../lib/connection-labels';
import { useSyncStatus } from './sync-status';

/** One choice of a pick list pulled from a remote (the catalog's categories, BrainSTEM's setups...). */
export interface PickItem {
  remoteId: string;
  name: string;
  description: string;
  /** False once the server refused this account a write through this choice (see record-state.ts). */
  writable: boolean;
}

interface ConnectionsState {
  connections: Connection[];
  loaded: boolean;
  error: string | null;
  /** `${connectionId}:${source}` -> the pick list as last pulled. */
  pickLists: Record<string, PickItem[]>;
  load(): Promise<void>;
  /** Reloads every pick list the connection's forms use (after a pull). */
  loadPickLists(connectionId: string): Promise<void>;
}

/** The pick-list sources a system's forms draw on. */
export function pickListSources(system: SystemId): string[] {
  const sources = new Set<string>();
  for (const kind of SYSTEM_PROFILES[system]?.kinds ?? []) {
    for (const spec of kind.fields) {
      const pick = pickListOf(spec);
      if (pick) sources.add(pick.source);
    }
  }
  return [...sources];
}

/** Remote profiles and the pick lists pulled with them. */
export const useConnections = create<ConnectionsState>((set, get) => ({
  connections: [],
  loaded: false,
  error: null,
  pickLists: {},
  async load() {
    try {
      const connections = await client.call('connections.list', {});
      set({ connections, loaded: true, error: null });
      await Promise.all(connections.map((c) => get().loadPickLists(c.id)));
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async loadPickLists(connectionId) {
    const connection = get().connections.find((c) => c.id === connectionId);
    if (!connection) return;
    await Promise.all(
      pickListSources(connection.system).map(async (source) => {
        try {
          const list = await client.call('categories.list', { connectionId, ...(source === 'categories' ? {} : { source }) });
          const items = list.map(({ remoteId, name, description, writable }) => ({ remoteId, name, description, writable }));
          set((s) => ({ pickLists: { ...s.pickLists, [`${connectionId}:${source}`]: items } }));
        } catch {
          // The connection may have just been removed; its lists go with it.
        }
      }),
    );
  },
}));

export function usePickLists(connectionId: string): (source: string) => PickItem[] {
  const lists = useConnections((s) => s.pickLists);
  return (source) => lists[`${connectionId}:${source}`] ?? [];
}

export function connectionName(connections: readonly Connection[], id: string): string {
  return connections.find((c) => c.id === id)?.name ?? 'Removed connection';
}

/** Where list rows come from: each connection named as lists show it, told apart where two share a name (see `connectionLabels`). */
export function useRowSource(): RowSource {
  const connections = useConnections((s) => s.connections);
  // A string, so status pushes during a sync re-render only when an account changes.
  const accounts = useSyncStatus((s) => s.statuses.map((x) => `${x.connectionId}\t${x.account?.label ?? ''}`).join('\n'));
  return useMemo(() => {
    const byId = new Map<string, string>();
    for (const line of accounts ? accounts.split('\n') : []) {
      const [id, label] = line.split('\t');
      if (id && label) byId.set(id, label);
    }
    return rowSource(connections, connectionLabels(connections, byId));
  }, [connections, accounts]);
}
