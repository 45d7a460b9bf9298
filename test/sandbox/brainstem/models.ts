/**
 * The serializers of each BrainSTEM model (visible fields, relations) and the shared list/detail
 * responses, so every list has the same envelope and every model honours filter/sort/include.
 */
import { ok, type HandlerResult, type RequestContext, type User } from './http';
import {
  compileFilters,
  compileRender,
  compileSort,
  paginate,
  parseListQuery,
  type ModelDef,
  type Resolver,
  type Row,
} from './query';
import { refusedFilterError } from './published';
import type { BrainstemStore, SetupRow } from './store';

const RESOURCE_FIELDS = {
  consumable: {
    id: 'uuid',
    name: 'string',
    description: 'string',
    supplier: 'relation',
    type: 'string',
    rrid: 'string',
    rrid_url: 'string',
    external_identifiers: 'json',
    details: 'json',
  },
  supplier: { id: 'uuid', name: 'string', description: 'string', website: 'string' },
  hardwaredevice: {
    id: 'uuid',
    name: 'string',
    description: 'string',
    supplier: 'relation',
    rrid: 'string',
    rrid_url: 'string',
    external_identifiers: 'json',
  },
} as const satisfies Record<string, ModelDef['fields']>;

const APPROVAL_FIELDS = {
  comments: 'string',
  instance_id: 'uuid',
  action: 'string',
  reviewer: 'number',
  status: 'string',
} as const;

export const MODEL_DEFS: Record<string, ModelDef> = {
  setup: {
    name: 'setup',
    fields: {
      id: 'uuid',
      name: 'string',
      location: 'string',
      description: 'string',
      setup_type: 'uuid',
      specifications: 'json',
      is_public: 'boolean',
      image: 'string',
    },
  },
  equipment: {
    name: 'equipment',
    fields: {
      id: 'uuid',
      name: 'string',
      type: 'string',
      notes: 'string',
      setup: 'relation',
      date_time: 'datetime',
      consumable: 'relation',
      hardwaredevice: 'relation',
      details: 'json',
      type_schema_version: 'string',
      coordinates_system: 'string',
      coordinates_details: 'json',
      coordinates_schema_version: 'string',
    },
    relations: { setup: 'setup', consumable: 'consumable', hardwaredevice: 'hardwaredevice' },
  },
  consumable: { name: 'consumable', fields: RESOURCE_FIELDS.consumable, relations: { supplier: 'supplier' } },
  supplier: { name: 'supplier', fields: RESOURCE_FIELDS.supplier },
  hardwaredevice: { name: 'hardwaredevice', fields: RESOURCE_FIELDS.hardwaredevice, relations: { supplier: 'supplier' } },
  consumableapproval: {
    name: 'consumableapproval',
    fields: { ...RESOURCE_FIELDS.consumable, ...APPROVAL_FIELDS },
    relations: { supplier: 'supplier' },
  },
  supplierapproval: { name: 'supplierapproval', fields: { ...RESOURCE_FIELDS.supplier, ...APPROVAL_FIELDS } },
  hardwaredeviceapproval: {
    name: 'hardwaredeviceapproval',
    fields: { ...RESOURCE_FIELDS.hardwaredevice, ...APPROVAL_FIELDS },
    relations: { supplier: 'supplier' },
  },
};

/** Picks the visible fields, in documented order (hidden columns never leave the store). */
export function serialize(model: string, row: Row): Row {
  const out: Row = {};
  for (const field of Object.keys(MODEL_DEFS[model]!.fields)) out[field] = row[field] ?? null;
  return out;
}

export function resolverFor(store: BrainstemStore): Resolver {
  const tables: Record<string, { get(id: string | null | undefined): unknown }> = {
    setup: store.setups,
    equipment: store.equipment,
    consumable: store.consumables,
    supplier: store.suppliers,
    hardwaredevice: store.hardwaredevices,
  };
  return {
    def: (model) => MODEL_DEFS[model]!,
    get: (model, id) => (typeof id === 'string' ? (tables[model]?.get(id) as Row | undefined) : undefined),
  };
}

// ---------------------------------------------------------------------------------------------
// Setup permissions (docs/datamodel/permissions.md: members read, contributors write)

export type SetupAccess = 'contributor' | 'reader' | null;

export function setupAccess(setup: SetupRow, user: User | null): SetupAccess {
  if (!user) return null;
  if (user.isAdmin || setup.contributors.includes(user.id)) return 'contributor';
  return setup.readers.includes(user.id) ? 'reader' : null;
}

/** Whether the request may see the setup: public portal -> is_public; private -> membership. */
export function canSeeSetup(ctx: RequestContext, setup: SetupRow | undefined): boolean {
  if (!setup) return false;
  return ctx.portal === 'public' ? setup.is_public : setupAccess(setup, ctx.user) !== null;
}

/** Cache key of what the request may see (all admins/anonymous callers see the same rows). */
export function visibilityKey(ctx: RequestContext): string {
  if (ctx.portal === 'public') return 'public';
  return ctx.user?.isAdmin ? 'admin' : `user:${ctx.user?.id ?? 'anon'}`;
}

// ---------------------------------------------------------------------------------------------
// Responses

/**
 * A list reply: `{<listKey>: [...], count, next, previous, meta}`. Top-level `count`/`next` serve the
 * v2 Python and MATLAB clients, `meta` is dynamic-rest's (docs/remotes/brainstem.md).
 * `base` yields the rows the caller may see. `scope` names that visibility for the result cache;
 * `'all'` means `base` is the whole table, so unfiltered paging is a plain slice with no scan.
 */
export function listResponse(
  ctx: RequestContext,
  model: string,
  listKey: string,
  base: () => readonly Row[],
  scope: string,
): HandlerResult {
  const def = MODEL_DEFS[model]!;
  const q = parseListQuery(ctx.params);
  if (ctx.refuseFilter) {
    for (const raw of q.filters.keys()) {
      const spec = raw.startsWith('-') ? raw.slice(1) : raw;
      if (ctx.refuseFilter(model, spec)) throw refusedFilterError(spec);
    }
  }
  const resolver = resolverFor(ctx.store);
  const filter = compileFilters(def, q.filters, resolver);
  const sort = compileSort(def, q.sort, resolver);
  const render = compileRender(def, q.include, q.exclude, resolver, serialize, model);
  let rows: readonly Row[];
  if (!filter && !sort && scope === 'all') rows = base();
  else {
    const key = `${model}|${scope}|${JSON.stringify([...q.filters])}|${q.sort.join(',')}`;
    rows = ctx.store.cachedList(key, () => {
      let r = base();
      if (filter) r = r.filter(filter);
      if (sort) r = [...r].sort(sort);
      return r;
    });
  }
  const page = paginate(rows, q, ctx);
  return ok({
    [listKey]: page.items.map(render),
    count: page.count,
    next: page.next,
    previous: page.previous,
    meta: page.meta,
  });
}

/** A detail reply `{<key>: {...}}`; dynamic-rest honours include[]/exclude[] here too. */
export function detailBody(ctx: RequestContext, model: string, key: string, row: Row): Record<string, Row> {
  const q = parseListQuery(ctx.params);
  const render = compileRender(MODEL_DEFS[model]!, q.include, q.exclude, resolverFor(ctx.store), serialize, model);
  return { [key]: render(row) };
}
