import type { Method, ParsedRequestOf, ReplyOf } from '../../src-shared/contract';
import type { ConnectionStore } from './connections/connection-store';
import { UserFacingError } from './errors';
import type { OutboxStore } from './outbox/outbox-store';
import type { LocalEdits } from './records/local-edits';
import type { RecordQueries } from './records/record-queries';
import type { SyncEngine } from './sync/sync-engine';

export interface HandlerDeps {
  version: string;
  dataDir: string;
  transport: 'electron' | 'headless' | 'in-process';
  connections: ConnectionStore;
  queries: RecordQueries;
  edits: LocalEdits;
  outbox: OutboxStore;
  engine: SyncEngine;
  recordsChanged(connectionId: string | null, ids: string[] | null): void;
}

export type HandlerTable = { [M in Method]: (request: ParsedRequestOf<M>) => Promise<ReplyOf<M>> };

/** The one table of everything the renderer can ask for (after Actual's loot-core handlers). */
export function createHandlers(d: HandlerDeps): HandlerTable {
  const changed = async (id: string) => {
    const rec = await d.queries.get(id);
    d.recordsChanged(rec.connectionId, [id]);
    d.engine.kick(rec.connectionId);
    return rec;
  };
  return {
    'app.info': async () => ({ version: d.version, dataDir: d.dataDir, transport: d.transport }),

    'connections.list': () => d.connections.list(),
    'connections.save': async (req) => {
      const saved = await d.connections.save(req);
      await d.engine.connectionChanged(saved.id, saved.system);
      return saved;
    },
    'connections.remove': async (req) => {
      const result = await d.connections.remove(req.id, req.discardPending);
      if (result.removed) {
        await d.engine.connectionRemoved(req.id);
        d.recordsChanged(null, null);
      }
      return result;
    },
    'connections.setPaused': async (req) => {
      const c = await d.connections.setPaused(req.id, req.paused);
      d.engine.kick(c.id, !req.paused);
      d.engine.statusChanged();
      return c;
    },
    'connections.check': (req) => d.engine.check(req.id),

    'records.list': (req) => d.queries.list(req),
    'records.get': (req) => d.queries.get(req.id),
    'records.lookup': async (req) => ({ matches: await d.queries.lookup(req.code) }),
    'records.create': async (req) => changed(await d.edits.create(req.connectionId, req.kind, req.fields)),
    'records.update': async (req) => {
      await d.edits.update(req.id, req.fields);
      return changed(req.id);
    },
    'records.delete': async (req) => {
      const rec = await d.queries.get(req.id);
      await d.edits.delete(req.id);
      d.recordsChanged(rec.connectionId, [req.id]);
      d.engine.kick(rec.connectionId);
      return { id: req.id };
    },
    'records.resolveConflict': async (req) => {
      await d.edits.resolveConflict(req.id, req.keep);
      try {
        return await changed(req.id);
      } catch (error) {
        if (error instanceof UserFacingError && error.code === 'not_found') {
          throw new UserFacingError('not_found', 'The record was deleted on the server, and you chose the server’s version.');
        }
        throw error;
      }
    },
    'records.exportCsv': (req) => d.queries.exportCsv(req),
    'records.resubmitProposal': async (req) => {
      await d.edits.resubmitProposal(req.id);
      return changed(req.id);
    },
    'records.discardProposal': async (req) => {
      const rec = await d.queries.get(req.id);
      const kept = await d.edits.discardProposal(req.id);
      d.recordsChanged(rec.connectionId, [req.id]);
      d.engine.statusChanged();
      return { id: req.id, removed: !kept };
    },
    'categories.list': (req) => d.queries.categories(req.connectionId, req.source),
    'approvals.list': (req) => d.queries.approvals(req.connectionId),
    'approvals.decide': async (req) => {
      await d.edits.decide(req.connectionId, req.approvalId, req.decision);
      d.engine.kick(req.connectionId);
      d.engine.statusChanged();
      return { queued: true };
    },

    'sync.status': () => d.engine.status(),
    'sync.now': async (req) => ({ started: d.engine.kick(req.connectionId, true) }),
    'outbox.list': (req) => d.outbox.list(req.connectionId),
    'outbox.retry': async (req) => {
      const op = await d.outbox.get(req.opId);
      if (!op) throw new UserFacingError('not_found', 'That change is no longer queued.');
      const ok = await d.outbox.retry(req.opId);
      if (ok) {
        await d.edits.refresh(op.record_id);
        d.recordsChanged(op.connection_id, [op.record_id]);
        d.engine.kick(op.connection_id);
      }
      return { ok };
    },
    'outbox.export': async (req) => {
      await d.connections.get(req.connectionId);
      return d.outbox.exportJson(req.connectionId);
    },
    'outbox.discard': async (req) => {
      const op = await d.outbox.get(req.opId);
      if (!op) throw new UserFacingError('not_found', 'That change is no longer queued.');
      const ok = await d.edits.discard(req.opId);
      d.recordsChanged(op.connection_id, [op.record_id]);
      d.engine.statusChanged();
      return { ok };
    },
  };
}
