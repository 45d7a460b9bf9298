import { create } from 'zustand';
import type { Connection } from '../../src-shared/contract';
import { client, errorMessage } from '../core/client';

export interface Category {
  remoteId: string;
  name: string;
  description: string;
}

interface ConnectionsState {
  connections: Connection[];
  loaded: boolean;
  error: string | null;
  /** connectionId -> its categories as last pulled. */
  categories: Record<string, Category[]>;
  load(): Promise<void>;
  loadCategories(connectionId: string): Promise<void>;
}

/** Remote profiles and the lists pulled with them (categories). */
export const useConnections = create<ConnectionsState>((set, get) => ({
  connections: [],
  loaded: false,
  error: null,
  categories: {},
  async load() {
    try {
      const connections = await client.call('connections.list', {});
      set({ connections, loaded: true, error: null });
      await Promise.all(connections.map((c) => get().loadCategories(c.id)));
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async loadCategories(connectionId) {
    try {
      const list = await client.call('categories.list', { connectionId });
      set((s) => ({ categories: { ...s.categories, [connectionId]: list.map(({ remoteId, name, description }) => ({ remoteId, name, description })) } }));
    } catch {
      // The connection may have just been removed; its categories go with it.
    }
  },
}));

export function connectionName(connections: readonly Connection[], id: string): string {
  return connections.find((c) => c.id === id)?.name ?? 'Removed connection';
}
