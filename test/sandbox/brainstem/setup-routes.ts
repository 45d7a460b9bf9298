/**
 * `personal_attributes/setup`: list and detail only. Equipment writes need setups to exist, but
 * managing setups is outside what the app syncs, so POST/PATCH/DELETE answer 405.
 */
import { notFound, ok, type ModelRoutes, type RequestContext } from './http';
import { canSeeSetup, detailBody, listResponse, visibilityKey } from './models';
import type { SetupRow } from './store';

function visibleSetups(ctx: RequestContext): readonly SetupRow[] {
  const all = ctx.store.setups.all();
  if (ctx.portal === 'private' && ctx.user?.isAdmin) return all;
  return all.filter((s) => canSeeSetup(ctx, s));
}

export const setupRoutes: ModelRoutes = {
  portals: ['private', 'public'],
  title: 'Setup',
  list: (ctx) => listResponse(ctx, 'setup', 'setups', () => visibleSetups(ctx), visibilityKey(ctx)),
  retrieve: (ctx) => {
    const setup = ctx.store.setups.get(ctx.id);
    if (!setup || !canSeeSetup(ctx, setup)) throw notFound();
    return ok(detailBody(ctx, 'setup', 'setup', setup));
  },
};
