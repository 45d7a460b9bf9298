import { create } from 'zustand';
import type { ApprovalDto } from '../../src-shared/contract';
import { client, errorMessage } from '../core/client';

interface ApprovalsState {
  approvals: ApprovalDto[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
}

let seq = 0;

/** A reviewer's queue: submissions awaiting an administrator, with the decisions queued for them. */
export const useApprovals = create<ApprovalsState>((set) => ({
  approvals: [],
  loaded: false,
  error: null,
  async load() {
    const mine = ++seq;
    try {
      const approvals = await client.call('approvals.list', {});
      if (mine === seq) set({ approvals, loaded: true, error: null });
    } catch (error) {
      if (mine === seq) set({ error: errorMessage(error) });
    }
  },
}));
