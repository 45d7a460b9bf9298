import { create } from 'zustand';
import { toCsv } from '../../src-shared/domain/csv';
import { client, errorMessage } from '../core/client';
import { downloadText } from '../lib/download';
import { codeFromScan, type ScanMatch } from '../lib/scan';
import {
  actDone,
  actRefused,
  addScan,
  markUndone,
  pickRecord,
  resolveRow,
  SESSION_CSV_HEADER,
  sessionCsvRows,
  undoTarget,
  verdictOf,
  type SessionAct,
  type SessionRow,
} from '../lib/scan-session';
import { playTone } from '../lib/scan-sounds';
import type { RecordSummaryDto, ReplyOf } from '../../src-shared/contract';

/** The act chosen once for the whole session, and its place (a move's destination, where an audit is). */
export interface SessionSetup {
  act: SessionAct;
  place: string;
  /** Record calibration: which schedule; empty for the record's calibration schedule. */
  schedule: string;
}

export type Place = ReplyOf<'bench.places'>['places'][number];

interface ScanSessionState {
  /** The session, running until `endedAt`; its rows stay to read and export until the next one starts. Null before the first. */
  session: { id: string; setup: SessionSetup; startedAt: string; endedAt: string | null } | null;
  rows: SessionRow[];
  /** What the last undo or export came to, when it is not a row's. */
  notice: { text: string; failed: boolean } | null;
  /** Where a move can go (bench.places), loaded when the view opens. */
  places: Place[];
  placesError: string | null;
  loadPlaces(): Promise<void>;
  start(setup: SessionSetup): void;
  end(): void;
  /** A scan (a scanner's burst anywhere, or a code typed in the session's box); a link is reduced to its code. */
  scan(raw: string): Promise<void>;
  /** The user chose which record a row's code stands for. */
  pick(n: number, record: RecordSummaryDto): Promise<void>;
  /** Takes back the last scan (Ctrl+Z, the button): its act is undone in the core. */
  undoLast(): Promise<void>;
  exportCsv(): void;
}

/**
 * Scans, choices and undos go through the core one at a time, in the order they came: a row's
 * duplicate check sees every act before it, and an undo takes back the act the user saw last.
 */
let queue: Promise<void> = Promise.resolve();
const inTurn = (work: () => Promise<void>): Promise<void> => (queue = queue.then(work, work));

/** A session is running: scans go to it (views/keyboard.ts), not to the scan box. */
export const isRunning = (): boolean => {
  const session = useScanSession.getState().session;
  return session !== null && session.endedAt === null;
};

export const useScanSession = create<ScanSessionState>((set, get) => {
  const rows = () => get().rows;
  /** A row settled: the sound of what it came to. */
  const settled = (n: number) => {
    const row = get().rows.find((r) => r.n === n);
    const tone = row ? verdictOf(row).tone : null;
    if (tone) playTone(tone);
  };
  /** Acts on a row's record as the session's act. */
  const act = async (n: number, record: RecordSummaryDto) => {
    const session = get().session;
    if (!session || session.endedAt) return;
    const { act: kind, place, schedule } = session.setup;
    try {
      const outcome = await client.call('bench.act', {
        recordId: record.id,
        act: kind,
        sessionId: session.id,
        ...((kind === 'move' || kind === 'verify_present') && place ? { place } : {}),
        ...(kind === 'calibrate' && schedule ? { schedule } : {}),
      });
      set({ rows: actDone(rows(), n, outcome) });
    } catch (error) {
      set({ rows: actRefused(rows(), n, errorMessage(error)) });
    }
    settled(n);
  };

  return {
    session: null,
    rows: [],
    notice: null,
    places: [],
    placesError: null,
    async loadPlaces() {
      try {
        set({ places: (await client.call('bench.places', {})).places, placesError: null });
      } catch (error) {
        set({ placesError: errorMessage(error) });
      }
    },
    start(setup) {
      set({ session: { id: crypto.randomUUID(), setup, startedAt: new Date().toISOString(), endedAt: null }, rows: [], notice: null });
    },
    end() {
      const session = get().session;
      if (session && !session.endedAt) set({ session: { ...session, endedAt: new Date().toISOString() }, notice: null });
    },
    scan(raw) {
      const code = codeFromScan(raw);
      if (!code || !isRunning()) return Promise.resolve();
      set({ rows: addScan(rows(), code, new Date().toISOString()), notice: null });
      const n = rows().length;
      return inTurn(async () => {
        let matches: ScanMatch[];
        try {
          matches = /[\p{L}\p{N}]/u.test(code) ? (await client.call('scan.resolve', { code })).matches : [];
        } catch (error) {
          set({ rows: actRefused(rows(), n, `Could not look up “${code}”: ${errorMessage(error)}`) });
          settled(n);
          return;
        }
        const resolved = resolveRow(rows(), n, matches);
        set({ rows: resolved.rows });
        if (resolved.act) await act(n, resolved.act);
        else settled(n);
      });
    },
    pick(n, record) {
      return inTurn(async () => {
        const row = rows().find((r) => r.n === n);
        if (!isRunning()) return;
        if (row?.state.kind !== 'choose' && row?.state.kind !== 'unknown') return;
        const picked = pickRecord(rows(), n, record);
        set({ rows: picked.rows });
        if (picked.act) await act(n, picked.act);
        else settled(n);
      });
    },
    undoLast() {
      return inTurn(async () => {
        if (!isRunning()) return;
        const target = undoTarget(rows());
        if (!target) {
          set({ notice: { text: 'Nothing to undo.', failed: false } });
          return;
        }
        if (target.state.kind !== 'done') {
          // Nothing was done for this scan (unknown, a repeat, a choice not made, refused): it just leaves the count.
          set({ rows: markUndone(rows(), target.n, `Scan #${target.n} taken back; nothing had been done for it.`), notice: null });
          return;
        }
        try {
          const reply = await client.call('bench.undo', { actId: target.state.outcome.actId });
          if (reply.undone) set({ rows: markUndone(rows(), target.n, reply.message), notice: null });
          else set({ notice: { text: `Scan #${target.n} could not be undone: ${reply.message}`, failed: true } });
        } catch (error) {
          set({ notice: { text: `Scan #${target.n} could not be undone: ${errorMessage(error)}`, failed: true } });
        }
      });
    },
    exportCsv() {
      const session = get().session;
      if (!session) return;
      const csv = toCsv(SESSION_CSV_HEADER, sessionCsvRows(rows(), session.setup.act, session.setup.place));
      const stamp = session.startedAt.slice(0, 16).replace(/[:T]/g, '-');
      downloadText(`benchsync-scan-session-${stamp}.csv`, csv, 'text/csv');
      set({ notice: { text: `Exported ${rows().length} scans as CSV.`, failed: false } });
    },
  };
});
