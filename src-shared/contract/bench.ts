import { z } from 'zod';
import { BENCH_ACTS } from '../domain/bench-acts';
import { DUE_STATUSES, scheduleSet } from '../domain/calibration';
import { systemId, uuid } from './common';
import { recordSummary } from './records';

const dueStatus = z.enum(DUE_STATUSES);
const isoTime = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'Not a date and time.');

/** Where a record's schedules live: on the remote record (Cannlytics), or in this workstation's mirror. */
export const scheduleHome = z.enum(['remote', 'local']);

export const scheduleDto = z.object({
  name: z.string(),
  intervalDays: z.number().int(),
  warningDays: z.number().int(),
  lastDoneAt: z.string().nullable(),
  nextDueAt: z.string().nullable(),
  status: dueStatus,
  /** Where the last completion comes from: the remote's field (e.g. `calibrated_at`), the bench log, or nowhere yet. */
  lastDoneFrom: z.enum(['remote', 'log', 'none']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ScheduleDto = z.infer<typeof scheduleDto>;

export const boardRow = z.object({
  recordId: uuid,
  schedule: z.string(),
  lastDoneAt: z.string().nullable(),
  nextDueAt: z.string().nullable(),
  status: dueStatus,
  title: z.string(),
  connectionId: uuid,
  connectionName: z.string(),
  system: systemId,
  /** Where the record is: its remote's location field, else the last place it was moved to here; '' if unknown. */
  location: z.string(),
  intervalDays: z.number().int(),
  warningDays: z.number().int(),
  lives: scheduleHome,
});
export type BoardRowDto = z.infer<typeof boardRow>;

const schedulesReply = z.object({
  recordId: uuid,
  lives: scheduleHome,
  /** The same in words, for the UI. */
  livesText: z.string(),
  schedules: z.array(scheduleDto),
  /** The record's worst schedule status; null without schedules. */
  worst: dueStatus.nullable(),
  /** Entries of the remote's schedule field that are not valid schedules (left out). */
  skipped: z.number().int(),
});
export type SchedulesReply = z.infer<typeof schedulesReply>;

/** The most CSV text one import takes. */
export const SCHEDULES_CSV_MAX = 5_000_000;

export const benchContract = {
  'bench.act': {
    request: z.object({
      recordId: uuid,
      act: z.enum(BENCH_ACTS),
      /** move: where to; a place name as bench.places lists it. Required for move, refused otherwise. */
      place: z.string().trim().min(1).max(200).optional(),
      /** calibrate: which schedule was done (default: the record's calibration schedule, else 'calibration'). */
      schedule: z.string().trim().min(1).max(100).optional(),
      /** verify_present: where the audit is (free text), kept in the log. */
      at: isoTime.optional(), // ISO time; default now
      sessionId: z.string().max(64).optional(),
      note: z.string().max(2000).optional(),
    }),
    reply: z.object({
      actId: z.number().int(),
      /** 'edit': an ordinary queued edit of the record (the remote has a field for it); 'log': BenchSync's own log. */
      how: z.enum(['edit', 'log']),
      record: recordSummary,
      /** The record's worst schedule status after the act (so a session row can be red for overdue). */
      due: dueStatus.nullable(),
      message: z.string(),
    }),
  },
  'bench.undo': {
    request: z.object({ actId: z.number().int() }),
    reply: z.object({ actId: z.number().int(), undone: z.boolean(), message: z.string() }),
  },
  /** Places a move can go to: BrainSTEM setups by name, Cannlytics areas seen in the mirror, places used before. */
  'bench.places': {
    request: z.object({}),
    reply: z.object({ places: z.array(z.object({ name: z.string(), systems: z.array(systemId) })) }),
  },
  /** Every schedule of every record, with its standing today; optionally of one connection or one location. */
  'calibration.board': {
    request: z.object({ connectionId: uuid.optional(), location: z.string().max(200).optional() }),
    reply: z.object({ rows: z.array(boardRow) }),
  },
  /** A record's schedules, their standing, and where they live. */
  'calibration.schedules': { request: z.object({ recordId: uuid }), reply: schedulesReply },
  /**
   * Replaces a record's schedules with these. On a Cannlytics instrument this is an ordinary
   * queued edit of its `maintenance_schedules` field; elsewhere it is kept in the mirror.
   */
  'calibration.setSchedules': {
    request: z.object({ recordId: uuid, schedules: scheduleSet }),
    reply: schedulesReply,
  },
  /** Every schedule as CSV, to take over on another bench. */
  'calibration.exportCsv': {
    request: z.object({}),
    reply: z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() }),
  },
  /**
   * Schedules from CSV (as exported): each record named gets exactly the schedules its rows give.
   * All or nothing: a bad row is an error naming it, and nothing changes.
   */
  'calibration.importCsv': {
    request: z.object({ csv: z.string().min(1).max(SCHEDULES_CSV_MAX) }),
    reply: z.object({ records: z.number().int(), schedules: z.number().int(), message: z.string() }),
  },
} as const;
