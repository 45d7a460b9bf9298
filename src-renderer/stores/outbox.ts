import { create } from 'zustand';
import type { PendingOpDto } from '../../src-shared/contract';
import { client, errorMessage } from '../core/client';

interface OutboxState {
  ops: PendingOpDto[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
}

let seq = 0;

/** Every queued change across connections, for the Pending changes view. */
export const useOutbox = create<OutboxState>((set) => ({
  ops: [],
  loaded: false,
  error: null,
  async load() {
    const mine = ++seq;
    try {
      const ops = await client.call('outbox.list', {});
      if (mine === seq) set({ ops, loaded: true, error: null });
    } catch (error) {
      if (mine === seq) set({ error: errorMessage(error) });
    }
  },
}));
