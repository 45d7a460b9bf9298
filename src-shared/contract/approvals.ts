import { z } from 'zod';
import { fields, recordKind, uuid } from './common';

/** A submission in a reviewer's queue, with the decision queued for it (if any). */
export const approval = z.object({
  connectionId: uuid,
  approvalId: z.string(),
  kind: recordKind,
  action: z.enum(['Add', 'Change']),
  status: z.enum(['Pending', 'Accepted', 'Rejected']),
  title: z.string(),
  /** The proposed values. */
  fields,
  /** For a Change: the live record as mirrored here; null for an Add or when not pulled. */
  liveFields: fields.nullable(),
  queuedDecision: z.enum(['accept', 'reject']).nullable(),
  /** The server's answer when a queued decision was refused (e.g. 403). */
  decisionError: z.string().nullable(),
});
export type ApprovalDto = z.infer<typeof approval>;

export const approvalsContract = {
  'approvals.list': { request: z.object({ connectionId: uuid.optional() }), reply: z.array(approval) },
  'approvals.decide': {
    request: z.object({ connectionId: uuid, approvalId: z.string().min(1).max(100), decision: z.enum(['accept', 'reject']) }),
    reply: z.object({ queued: z.boolean() }),
  },
  /** Asks reviewer connections to fetch their queue now (the Approvals view was opened); the change is announced when it lands. */
  'approvals.refresh': { request: z.object({}), reply: z.object({ started: z.number().int() }) },
} as const;
