import { create } from 'zustand';
import type { BoardRowDto } from '../../src-shared/contract';
import { type DueStatus, worstStatus } from '../../src-shared/domain/calibration';
import { client, errorMessage } from '../core/client';

interface CalibrationState {
  rows: BoardRowDto[];
  /** Each record's worst schedule status (records without schedules are absent). */
  worst: Readonly<Record<string, DueStatus>>;
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
}

let inFlight: Promise<void> | null = null;
let again = false;

/**
 * The calibration board, loaded once and after the mirror announces changes (core/wiring.ts): the
 * board view, and the overdue markers of the list, the detail and the scan box, read it. Loads
 * asked for while one runs become one more load after it.
 */
export const useCalibration = create<CalibrationState>((set) => ({
  rows: [],
  worst: {},
  loaded: false,
  error: null,
  load: () => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        try {
          const { rows } = await client.call('calibration.board', {});
          const by = new Map<string, DueStatus[]>();
          for (const r of rows) by.set(r.recordId, [...(by.get(r.recordId) ?? []), r.status]);
          const worst: Record<string, DueStatus> = {};
          for (const [id, list] of by) worst[id] = worstStatus(list)!;
          set({ rows, worst, loaded: true, error: null });
        } catch (e) {
          set({ error: errorMessage(e) });
        }
      } while (again);
      inFlight = null;
    })();
    return inFlight;
  },
}));
