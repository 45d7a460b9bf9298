import type { Method } from '../../../src-shared/contract';
import type { AreaHandlers, HandlerDeps } from './deps';

type ConnectionMethods = Extract<Method, `connections.${string}` | 'app.info'>;

export function connectionHandlers(d: HandlerDeps): AreaHandlers<ConnectionMethods> {
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
        // Its records went with it: their history says so, and stays.
        await d.mirror.settleHistory();
        await d.engine.connectionRemoved(req.id);
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
  };
}
