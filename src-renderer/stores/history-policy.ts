import { create } from 'zustand';
import type { HistoryPolicy } from '../../src-shared/contract';
import { client } from '../core/client';

interface HistoryPolicyState {
  /** null until read from main. */
  policy: HistoryPolicy | null;
  load(): Promise<void>;
  set(policy: HistoryPolicy): Promise<void>;
}

/** When a change needs a reason (main keeps it; it also refuses a delete without one). */
export const useHistoryPolicy = create<HistoryPolicyState>((set) => ({
  policy: null,
  async load() {
    set({ policy: await client.call('history.getPolicy', {}) });
  },
  async set(policy) {
    set({ policy: await client.call('history.setPolicy', policy) });
  },
}));
