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
      await edits.update(req.id, req.fields);
      return d.queries.get(req.id);
    },
    'records.updateMany': (req) => edits.updateMany(req.ids, req.fields, req.dryRun),
    'records.delete': async (req) => {
      await edits.delete(req.id);
      return { id: req.id };
    },
    'records.resolveConflict': async (req) => {
      const { removed } = await edits.resolveConflict(req.id, req.keep);
      if (removed) throw new UserFacingError('not_found', 'The record was deleted on the server, and you chose the server’s version.');
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
