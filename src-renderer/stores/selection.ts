import { create } from 'zustand';
import type { RecordDetailDto } from '../../src-shared/contract';
import { ContractCallError } from '../../src-shared/contract/client';
import { client, errorMessage } from '../core/client';

interface SelectionState {
  id: string | null;
  detail: RecordDetailDto | null;
  loading: boolean;
  /** Why the detail could not be shown (e.g. the record was deleted meanwhile). */
  error: string | null;
  select(id: string | null): Promise<void>;
  /** Refetch the shown record (after a change event naming it, or an action on it). */
  reload(): Promise<void>;
}

let requestSeq = 0;

/** The record whose detail is shown. */
export const useSelection = create<SelectionState>((set, get) => ({
  id: null,
  detail: null,
  loading: false,
  error: null,
  async select(id) {
    if (id === get().id && get().detail) return get().reload();
    set({ id, detail: null, error: null, loading: id !== null });
    if (id) await get().reload();
  },
  async reload() {
    const id = get().id;
    if (!id) return;
    const seq = ++requestSeq;
    try {
      const detail = await client.call('records.get', { id });
      if (seq === requestSeq && get().id === id) set({ detail, loading: false, error: null });
    } catch (error) {
      if (seq !== requestSeq || get().id !== id) return;
      const gone = error instanceof ContractCallError && error.error.code === 'not_found';
      set({
        detail: null,
        loading: false,
        error: gone ? 'This record is no longer here: it was deleted (on the server or by syncing a delete).' : errorMessage(error),
      });
    }
  },
}));
