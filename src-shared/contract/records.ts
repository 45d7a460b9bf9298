import { z } from 'zod';
import { OP_STATES } from '../domain/record-state';
import { contractError, fieldErrors, fields, recordKind, recordStatus, systemId, uuid } from './common';

export const recordSummary = z.object({
  id: uuid,
  connectionId: uuid,
  system: systemId,
  kind: recordKind,
  remoteId: z.string().nullable(),
  title: z.string(),
  subtitle: z.string(),
  vendor: z.string(),
  serial: z.string(),
  status: recordStatus,
  editable: z.boolean(),
  /** Deleted here, the delete not yet acknowledged by the remote. */
  deleted: z.boolean(),
  updatedAt: z.string(),
});
export type RecordSummaryDto = z.infer<typeof recordSummary>;

export const pendingOp = z.object({
  id: z.number().int(),
  connectionId: uuid,
  recordId: uuid,
  recordTitle: z.string(),
  kind: recordKind,
  /** accept/reject: a reviewer's decision on an approval. */
  type: z.enum(['create', 'update', 'delete', 'accept', 'reject']),
  /** See `OpState` in src-shared/domain/record-state.ts. */
  state: z.enum(OP_STATES),
  payload: fields,
  /** update: the server's values of the changed fields before this change (what it shows as "before"). */
  base: fields,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  error: z.string().nullable(),
  fieldErrors: fieldErrors.nullable(),
  createdAt: z.string(),
});
export type PendingOpDto = z.infer<typeof pendingOp>;

export const proposal = z.object({
  approvalId: z.string(),
  action: z.enum(['Add', 'Change']),
  status: z.enum(['Pending', 'Rejected']),
  /** The values proposed; the record's `fields` keep the live values until an admin accepts. */
  fields,
  message: z.string().nullable(),
});

export const recordDetail = recordSummary.extend({
  fields,
  /** A change the remote holds for an administrator's decision; null when there is none. */
  proposal: proposal.nullable(),
  /** The remote's version where it conflicts with local edits; null otherwise. */
  remoteFields: fields.nullable(),
  conflictFields: z.array(z.string()),
  ops: z.array(pendingOp),
  /** When the record last matched the server (pulled unchanged, or our change acknowledged); null if never. */
  lastSyncedAt: z.string().nullable(),
  /**
   * The choice the record's write permission follows, when the server refused this account writing
   * through it (BrainSTEM: a setup the account only reads); null otherwise. See record-state.ts.
   */
  readOnlyScope: z.object({ field: z.string(), label: z.string(), name: z.string() }).nullable(),
});
export type RecordDetailDto = z.infer<typeof recordDetail>;

/** What the records list can be ordered by (the table view's columns); without one, by title. */
export const RECORD_SORT_KEYS = ['title', 'subtitle', 'system', 'kind', 'connection', 'remoteId', 'serial', 'vendor', 'status', 'updatedAt'] as const;
export type RecordSortKey = (typeof RECORD_SORT_KEYS)[number];
export const recordSort = z.object({ by: z.enum(RECORD_SORT_KEYS), dir: z.enum(['asc', 'desc']) });
export type RecordSort = z.infer<typeof recordSort>;

export const listQuery = z.object({
  text: z.string().max(200).default(''),
  kind: recordKind.optional(),
  connectionId: uuid.optional(),
  status: recordStatus.optional(),
  sort: recordSort.optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ListQuery = z.input<typeof listQuery>;

/** `writable`: false once the server refused this account a write through this choice (a BrainSTEM setup it only reads). */
export const category = z.object({ connectionId: uuid, remoteId: z.string(), name: z.string(), description: z.string(), writable: z.boolean() });

/** Whole record (`keep`), or one choice per conflicting field (`fields`): exactly one of the two. */
export const resolveConflictRequest = z
  .object({
    id: uuid,
    keep: z.enum(['mine', 'theirs']).optional(),
    fields: z.record(z.string().min(1).max(200), z.enum(['mine', 'theirs'])).optional(),
  })
  .refine((r) => (r.keep === undefined) !== (r.fields === undefined), { message: 'Give either keep (the whole record) or fields (a choice per field), not both.' })
  .refine((r) => r.fields === undefined || Object.keys(r.fields).length > 0, { message: 'Choose mine or theirs for at least one field.', path: ['fields'] });

/** Why a change was made, in the user's words (kept in the history). */
const changeReason = z.string().trim().max(2_000);

/** The most records one bulk edit takes (one transaction: a few milliseconds per record). */
export const BULK_EDIT_MAX = 2_000;

const bulkRecord = z.object({ id: uuid, title: z.string() });
/** Where each record of a bulk edit stands: it changes, it already has the values, or it cannot take them (and why). */
export const bulkEditOutcome = z.object({
  changed: z.array(bulkRecord),
  unchanged: z.array(bulkRecord),
  refused: z.array(bulkRecord.extend({ code: contractError.shape.code, reason: z.string(), fieldErrors: fieldErrors.optional() })),
});
export type BulkEditOutcome = z.infer<typeof bulkEditOutcome>;


export const recordsContract = {
  'records.list': {
    request: listQuery,
    /** `total`: every record matching the query (an exact count), not just this page. */
    reply: z.object({ total: z.number().int(), items: z.array(recordSummary) }),
  },
  'records.get': { request: z.object({ id: uuid }), reply: recordDetail },
  /** Exact matches of a scanned code: a remote id (or client-chosen key), a serial, or a name, ignoring case. */
  'records.lookup': {
    request: z.object({ code: z.string().trim().min(1).max(200) }),
    reply: z.object({ matches: z.array(z.object({ record: recordSummary, by: z.enum(['id', 'serial', 'name']) })) }),
  },
  'records.create': {
    request: z.object({ connectionId: uuid, kind: recordKind, fields }),
    reply: recordDetail,
  },
  /** `reason`: why, kept in the record's history (docs/history.md). */
  'records.update': { request: z.object({ id: uuid, fields, reason: changeReason.optional() }), reply: recordDetail },
  /** A reason is required unless the history policy says otherwise (`history.setPolicy`). */
  'records.delete': { request: z.object({ id: uuid, reason: changeReason.optional() }), reply: z.object({ id: uuid }) },
  'records.resolveConflict': { request: resolveConflictRequest, reply: recordDetail },
  /** Forgets the server's refusal of writes through the record's choice (e.g. after being made a contributor of the setup). */
  'records.clearWriteRefusal': { request: z.object({ id: uuid }), reply: recordDetail },
  /**
   * The same fields set on many records, all or nothing in one transaction: if any record cannot
   * take them, nothing changes and the error names which. Each record gets its own queued change,
   * merged with what it already has queued as a single edit would be. `dryRun` answers what would
   * happen (the same checks) and changes nothing.
   */
  'records.updateMany': {
    request: z.object({
      ids: z.array(uuid).min(1).max(BULK_EDIT_MAX).refine((ids) => new Set(ids).size === ids.length, 'Each record may be named only once.'),
      fields: fields.refine((f) => Object.keys(f).length > 0, 'Name at least one field to set.'),
      dryRun: z.boolean().default(false),
    }),
    reply: bulkEditOutcome,
  },
  /** Every record matching the query (not just a page), as CSV text for the user to save. */
  'records.exportCsv': {
    request: listQuery.omit({ offset: true, limit: true }),
    reply: z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() }),
  },
  /** Sends a rejected proposal again unchanged (e.g. after talking to the administrator). */
  'records.resubmitProposal': { request: z.object({ id: uuid }), reply: recordDetail },
  'records.discardProposal': { request: z.object({ id: uuid }), reply: z.object({ id: uuid, removed: z.boolean() }) },
  /** A pick list as last pulled: `source` is what a field's `options.source` names (default 'categories'). */
  'categories.list': { request: z.object({ connectionId: uuid, source: z.string().min(1).optional() }), reply: z.array(category) },
} as const;
