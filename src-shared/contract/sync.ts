import { z } from 'zod';
import { systemId, uuid } from './common';
import { CONNECTION_STATES } from '../domain/sync-summary';
import { pendingOp } from './records';

export const connectionState = z.enum(CONNECTION_STATES);

/**
 * Who a connection acts as, as far as its remote tells. Derived in main from what the remote
 * answers (never from the key, which the renderer never sees). `named` is false when the remote
 * does not name the key's holder: the label then says what is known of it (e.g. "owner of 3 instruments").
 */
export const connectionAccount = z.object({ label: z.string(), named: z.boolean() });
export type ConnectionAccount = z.infer<typeof connectionAccount>;

/**
 * What a check of the URL, key and settings found. `refused`: the server refused the key or
 * settings; `failed`: it answered, but not as this system does (e.g. a wrong base URL);
 * `not_checked`: it could not be asked now (offline, busy, a server error), so nothing is known.
 */
export const checkOutcome = z.enum(['ok', 'refused', 'failed', 'not_checked']);
export const checkResult = z.object({ ok: z.boolean(), outcome: checkOutcome, message: z.string() });
export type CheckResult = z.infer<typeof checkResult>;

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
  /** Null until the remote answered a pull or a check with these credentials. */
  account: connectionAccount.nullable(),
  /** The last check of these credentials since launch, with when it ran. */
  lastCheck: checkResult.extend({ at: z.string() }).nullable(),
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
