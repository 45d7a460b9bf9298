import { z } from 'zod';
import { systemId, uuid } from './common';
import { pendingOp } from './records';

export const connectionState = z.enum(['idle', 'pulling', 'pushing', 'waiting', 'offline', 'rate_limited', 'key_rejected', 'paused', 'error']);

export const connectionStatus = z.object({
  connectionId: uuid,
  system: systemId,
  name: z.string(),
  state: connectionState,
  online: z.boolean(),
  pending: z.number().int(),
  rejected: z.number().int(),
  conflicts: z.number().int(),
  /** Ops acknowledged since the queue was last empty, for a progress bar. */
  done: z.number().int(),
  /** Milliseconds the queue needs at the remote's rate limit; null when nothing is queued. */
  etaMs: z.number().nullable(),
  lastPullAt: z.string().nullable(),
  message: z.string().nullable(),
  /**
   * Records the last complete listing lacked but that were kept because they were most of the
   * connection's; `sync.confirmRemoval` removes them. Null when nothing waits for that word.
   */
  removalToConfirm: z.number().int().nullable(),
  /** How BenchSync works around what this remote refused (e.g. a filter it does not take), in words. */
  notices: z.array(z.string()),
});
export type ConnectionStatus = z.infer<typeof connectionStatus>;

export const syncContract = {
  'sync.status': { request: z.object({}), reply: z.array(connectionStatus) },
  'sync.now': { request: z.object({ connectionId: uuid.optional() }), reply: z.object({ started: z.boolean() }) },
  /** The records the server's list lacks were really removed there: remove them here too (at the next pull). */
  'sync.confirmRemoval': { request: z.object({ connectionId: uuid }), reply: z.object({ ok: z.boolean() }) },
  'outbox.list': { request: z.object({ connectionId: uuid.optional() }), reply: z.array(pendingOp) },
  'outbox.retry': { request: z.object({ opId: z.number().int() }), reply: z.object({ ok: z.boolean() }) },
  /** Pending edits of a connection as JSON (to keep a copy before removing the connection). */
  'outbox.export': {
    request: z.object({ connectionId: uuid }),
    reply: z.object({ filename: z.string(), json: z.string(), ops: z.number().int() }),
  },
  'outbox.discard': { request: z.object({ opId: z.number().int() }), reply: z.object({ ok: z.boolean() }) },
} as const;
