/**
 * `modules/equipment` (docs/remotes/brainstem.md): not subject to approval; permissions come from the setup
 * (members read, contributors write). PUT is a full replace: omitted optional fields go back to
 * their defaults (the brief asks for this; stock DRF would keep them).
 */
import { randomUUID } from 'node:crypto';
import {
  created,
  FieldErrors,
  forbidden,
  noContent,
  notFound,
  ok,
  requireUser,
  type HandlerResult,
  type ModelRoutes,
  type RequestContext,
} from './http';
import { canSeeSetup, detailBody, listResponse, setupAccess, visibilityKey } from './models';
import {
  COORDINATE_SYSTEM_NAMES,
  DEFAULT_SCHEMA_VERSION,
  EQUIPMENT_TYPES,
  isCoordinateSystem,
  validateCoordinatesDetails,
  validateEquipmentDetails,
} from './schemas';
import type { EquipmentRow } from './store';
import { charField, choiceField, dateTimeField, MSG, pkField } from './validate';

type EquipmentFields = Omit<EquipmentRow, 'id'>;

function defaults(): EquipmentFields {
  return {
    name: '',
    type: '',
    notes: '',
    setup: '',
    date_time: null,
    consumable: null,
    hardwaredevice: null,
    details: {},
    type_schema_version: DEFAULT_SCHEMA_VERSION,
    coordinates_system: '',
    coordinates_details: {},
    coordinates_schema_version: DEFAULT_SCHEMA_VERSION,
  };
}

type Mode = 'create' | 'replace' | 'partial';

/** Field validation, then the schema checks on the merged record (as the model's clean() would). */
function validateEquipment(ctx: RequestContext, data: Record<string, unknown>, current: EquipmentRow | null, mode: Mode): EquipmentFields {
  const errors = new FieldErrors();
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k) && data[k] !== undefined;
  const out: Partial<EquipmentFields> = {};
  const set = <K extends keyof EquipmentFields>(k: K, v: EquipmentFields[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  const store = ctx.store;

  if (has('name')) set('name', charField(errors, 'name', data.name) ?? undefined);
  if (has('type')) set('type', choiceField(errors, 'type', data.type, EQUIPMENT_TYPES));
  if (has('notes')) set('notes', charField(errors, 'notes', data.notes, { maxLength: 500 }) ?? undefined);
  if (has('setup')) {
    // The related queryset is the setups the caller can see; others "do not exist" for them.
    set('setup', pkField(errors, 'setup', data.setup, (id) => canSeeSetup(ctx, store.setups.get(id))) ?? undefined);
  }
  if (has('date_time')) set('date_time', dateTimeField(errors, 'date_time', data.date_time));
  if (has('consumable')) set('consumable', pkField(errors, 'consumable', data.consumable, (id) => store.consumables.has(id), { allowNull: true }));
  if (has('hardwaredevice')) {
    set('hardwaredevice', pkField(errors, 'hardwaredevice', data.hardwaredevice, (id) => store.hardwaredevices.has(id), { allowNull: true }));
  }
  for (const json of ['details', 'coordinates_details'] as const) {
    if (!has(json)) continue;
    if (data[json] === null) errors.add(json, MSG.null);
    else set(json, data[json] as Record<string, unknown>);
  }
  for (const version of ['type_schema_version', 'coordinates_schema_version'] as const) {
    if (has(version)) set(version, charField(errors, version, data[version], { maxLength: 20 }) ?? undefined);
  }
  if (has('coordinates_system')) set('coordinates_system', choiceField(errors, 'coordinates_system', data.coordinates_system, COORDINATE_SYSTEM_NAMES));

  if (mode !== 'partial') {
    for (const required of ['type', 'setup', 'coordinates_system']) if (!has(required)) errors.add(required, MSG.required);
  }

  const merged: EquipmentFields = { ...(mode === 'partial' && current ? current : defaults()), ...out };
  if ('id' in merged) delete (merged as Partial<EquipmentRow>).id;
  const full = mode !== 'partial';
  if (!errors.has('details') && !errors.has('type') && (full || has('details') || has('type'))) {
    for (const message of validateEquipmentDetails(merged.details)) errors.add('details', message);
  }
  if (
    !errors.has('coordinates_details') &&
    !errors.has('coordinates_system') &&
    isCoordinateSystem(merged.coordinates_system) &&
    (full || has('coordinates_details') || has('coordinates_system'))
  ) {
    for (const message of validateCoordinatesDetails(merged.coordinates_system, merged.coordinates_details)) {
      errors.add('coordinates_details', message);
    }
  }
  errors.throwIfAny();
  return merged;
}


function visibleRow(ctx: RequestContext): EquipmentRow {
  const row = ctx.store.equipment.get(ctx.id);
  if (!row || !canSeeSetup(ctx, ctx.store.setups.get(row.setup))) throw notFound();
  return row;
}

function requireContributor(ctx: RequestContext, setupId: string): void {
  const setup = ctx.store.setups.get(setupId);
  if (!setup || setupAccess(setup, requireUser(ctx)) !== 'contributor') throw forbidden();
}

function write(ctx: RequestContext, mode: 'replace' | 'partial'): HandlerResult {
  const row = visibleRow(ctx);
  requireContributor(ctx, row.setup);
  const fields = validateEquipment(ctx, ctx.data(), row, mode);
  if (fields.setup !== row.setup) requireContributor(ctx, fields.setup);
  const updated: EquipmentRow = { id: row.id, ...fields };
  ctx.store.equipment.set(updated);
  ctx.store.touch();
  return ok(detailBody(ctx, 'equipment', 'equipment', updated));
}

export const equipmentRoutes: ModelRoutes = {
  portals: ['private', 'public'],
  title: 'Equipment',
  list: (ctx) => {
    const all = ctx.store.equipment.all();
    if (ctx.portal === 'private' && ctx.user?.isAdmin) return listResponse(ctx, 'equipment', 'equipment', () => all, 'all');
    const visible = new Set(ctx.store.setups.all().filter((s) => canSeeSetup(ctx, s)).map((s) => s.id));
    return listResponse(ctx, 'equipment', 'equipment', () => all.filter((e) => visible.has(e.setup)), visibilityKey(ctx));
  },
  retrieve: (ctx) => ok(detailBody(ctx, 'equipment', 'equipment', visibleRow(ctx))),
  create: (ctx) => {
    const fields = validateEquipment(ctx, ctx.data(), null, 'create');
    requireContributor(ctx, fields.setup);
    const row: EquipmentRow = { id: randomUUID(), ...fields };
    ctx.store.equipment.set(row);
    ctx.store.touch();
    return created(detailBody(ctx, 'equipment', 'equipment', row));
  },
  update: (ctx) => write(ctx, 'replace'),
  partialUpdate: (ctx) => write(ctx, 'partial'),
  destroy: (ctx) => {
    const row = visibleRow(ctx);
    requireContributor(ctx, row.setup);
    ctx.store.equipment.delete(row.id);
    ctx.store.touch();
    return noContent();
  },
};
