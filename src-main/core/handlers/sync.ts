import type { Method } from '../../../src-shared/contract';
import { UserFacingError } from '../errors';
import type { AreaHandlers, HandlerDeps } from './deps';

type SyncMethods = Extract<Method, `sync.${string}` | `outbox.${string}` | `approvals.${string}`>;

export function syncHandlers(d: HandlerDeps): AreaHandlers<SyncMethods> {
  const { edits } = d.mirror;
  const gone = () => new UserFacingError('not_found', 'That change is no longer queued.');
  return {
    'sync.status': () => d.engine.status(),
    'sync.now': async (req) => ({ started: d.engine.kick(req.connectionId, true) }),
    'sync.confirmRemoval': async (req) => ({ ok: d.engine.confirmRemoval(req.connectionId) }),
    'outbox.list': (req) => d.outbox.list(req.connectionId),
    'outbox.retry': async (req) => {
      const result = await edits.retry(req.opId);
      if (!result) throw gone();
      return { ok: result.ok };
    },
    'outbox.export': async (req) => {
      await d.connections.get(req.connectionId);
      return d.outbox.exportJson(req.connectionId);
    },
    'outbox.discard': async (req) => {
      if (!(await edits.discard(req.opId))) throw gone();
      return { ok: true };
    },
    'approvals.list': (req) => d.queries.approvals(req.connectionId),
    'approvals.refresh': async () => ({ started: await d.engine.refreshQueues() }),
    'approvals.decide': async (req) => {
      await edits.decide(req.connectionId, req.approvalId, req.decision);
      return { queued: true };
    },
  };
}
