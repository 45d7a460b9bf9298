import { z } from 'zod';
import { HISTORY_EVENTS, HISTORY_SOURCES } from '../domain/history';
import { uuid } from './common';

const isoDate = z.string().min(10).max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'Not a date.');

/** One history entry: who, when, where from, which field before → after, the op's fate, why. */
export const historyEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  osUser: z.string(),
  account: z.string().nullable(),
  connectionId: z.string(),
  /** The connection's name here, or null once it was removed. */
  connectionName: z.string().nullable(),
  recordId: z.string(),
  remoteId: z.string().nullable(),
  /** The record's title now, or its last one when it is gone. */
  recordTitle: z.string(),
  kind: z.string(),
  source: z.enum(HISTORY_SOURCES),
  event: z.enum(HISTORY_EVENTS),
  field: z.string().nullable(),
  fieldLabel: z.string().nullable(),
  /** JSON values; absent: there was no value. */
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  /** The values as a person reads them (pick-list names, not ids). */
  beforeText: z.string().nullable(),
  afterText: z.string().nullable(),
  opId: z.number().int().nullable(),
  opFate: z
    .object({ event: z.enum(['op_sent', 'op_acknowledged', 'op_rejected']), at: z.string(), detail: z.string().nullable() })
    .nullable(),
  detail: z.string().nullable(),
  reason: z.string().nullable(),
});
export type HistoryEntryDto = z.infer<typeof historyEntry>;

const historyQuery = z.object({
  since: isoDate.optional(),
  until: isoDate.optional(),
  osUser: z.string().min(1).max(200).optional(),
  connectionId: uuid.optional(),
  field: z.string().min(1).max(200).optional(),
  source: z.enum(HISTORY_SOURCES).optional(),
});

export const historyPolicy = z.object({
  /** Deleting a record asks for a reason (on by default). */
  requireReasonForDelete: z.boolean(),
});
export type HistoryPolicy = z.infer<typeof historyPolicy>;

export const historyContract = {
  /** A record's entries, newest first; filters by field or source. Works for deleted records too. */
  'history.record': {
    request: z.object({ recordId: uuid, field: z.string().min(1).max(200).optional(), source: z.enum(HISTORY_SOURCES).optional() }),
    reply: z.object({ entries: z.array(historyEntry) }),
  },
  /** "What changed" across records, newest first, a page at a time. */
  'history.list': {
    request: historyQuery.extend({ beforeId: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(100) }),
    reply: z.object({ entries: z.array(historyEntry), more: z.boolean() }),
  },
  /** Walks the hash chain; names the first entry that was altered, removed or reordered. */
  'history.verify': {
    request: z.object({}),
    reply: z.object({ ok: z.boolean(), checked: z.number().int(), firstBadEntryId: z.number().int().optional() }),
  },
  /** A record's history, or a date range, as an auditor reads it: who, when, what, why. */
  'history.export': {
    request: historyQuery.extend({ recordId: uuid.optional(), format: z.enum(['csv', 'pdf']) }),
    reply: z.object({ filename: z.string(), mime: z.string(), base64: z.string(), entries: z.number().int() }),
  },
  'history.getPolicy': { request: z.object({}), reply: historyPolicy },
  'history.setPolicy': { request: historyPolicy, reply: historyPolicy },
} as const;
