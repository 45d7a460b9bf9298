import { z } from 'zod';
import { OP_STATES } from '../domain/record-state';
import { fieldErrors, fields, recordKind, recordStatus, systemId, uuid } from './common';

export const recordSummary = z.object({
  id: uuid,
  connectionId: uuid,
  system: systemId,
  kind: recordKind,
  remoteId: z.string().nullable(),
  title: z.string(),
  subtitle: z.string(),
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
  /** accept/reject: a reviewer's decision on an approval. */
  type: z.enum(['create', 'update', 'delete', 'accept', 'reject']),
  /** See `OpState` in src-shared/domain/record-state.ts. */
  state: z.enum(OP_STATES),
  payload: fields,
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
});
export type RecordDetailDto = z.infer<typeof recordDetail>;

export const listQuery = z.object({
  text: z.string().max(200).default(''),
  kind: recordKind.optional(),
  connectionId: uuid.optional(),
  status: recordStatus.optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ListQuery = z.input<typeof listQuery>;

export const category = z.object({ connectionId: uuid, remoteId: z.string(), name: z.string(), description: z.string() });

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
  'records.update': { request: z.object({ id: uuid, fields }), reply: recordDetail },
  'records.delete': { request: z.object({ id: uuid }), reply: z.object({ id: uuid }) },
  'records.resolveConflict': {
    request: z.object({ id: uuid, keep: z.enum(['mine', 'theirs']) }),
    reply: recordDetail,
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
