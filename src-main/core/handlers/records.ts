import type { Method } from '../../../src-shared/contract';
import { UserFacingError } from '../errors';
import type { AreaHandlers, HandlerDeps } from './deps';

type RecordMethods = Extract<Method, `records.${string}` | 'categories.list'>;

export function recordHandlers(d: HandlerDeps): AreaHandlers<RecordMethods> {
  const { edits } = d.mirror;
  return {
    'records.list': (req) => d.queries.list(req),
    'records.get': (req) => d.queries.get(req.id),
    'records.lookup': async (req) => ({ matches: await d.queries.lookup(req.code) }),
    'records.create': async (req) => d.queries.get(await edits.create(req.connectionId, req.kind, req.fields)),
    'records.update': async (req) => {
      await edits.update(req.id, req.fields, req.reason || null);
      return d.queries.get(req.id);
    },
    'records.updateMany': (req) => edits.updateMany(req.ids, req.fields, req.dryRun),
    'records.delete': async (req) => {
      const reason = req.reason || null;
      if (!reason && (await d.settings.historyPolicy()).requireReasonForDelete) {
        throw new UserFacingError('validation', 'Say why this record is deleted: the reason is kept in its history.', { reason: ['Enter a reason for the delete.'] });
      }
      await edits.delete(req.id, reason);
      return { id: req.id };
    },
    'records.resolveConflict': async (req) => {
      const choice = req.fields ?? req.keep;
      if (!choice) throw new UserFacingError('invalid_request', 'Give either keep or fields.');
      const { removed } = await edits.resolveConflict(req.id, choice);
      if (removed) throw new UserFacingError('not_found', 'The record was deleted on the server, and you chose the server’s version.');
      return d.queries.get(req.id);
    },
    'records.clearWriteRefusal': async (req) => {
      await edits.clearWriteRefusal(req.id);
      return d.queries.get(req.id);
    },
    'records.exportCsv': (req) => d.queries.exportCsv(req),
    'records.resubmitProposal': async (req) => {
      await edits.resubmitProposal(req.id);
      return d.queries.get(req.id);
    },
    'records.discardProposal': async (req) => {
      const { kept } = await edits.discardProposal(req.id);
      return { id: req.id, removed: !kept };
    },
    'categories.list': (req) => d.queries.categories(req.connectionId, req.source),
  };
}
