import { z } from 'zod';
import { brainstemEquipmentSchema, EQUIPMENT_FIELDS } from '../../../src-shared/domain/remotes/brainstem-equipment';
import type { Fields } from '../../../src-shared/domain/record-kinds';
import { validateWith } from '../../../src-shared/domain/validation';
import type { ConnectorContext, PullSink, PushOp, PushResult, RemoteRecord } from '../connector';
import { RemoteRejected } from '../remote-errors';
import { brainstemCall, listPages, PRIVATE_API, pullList, PUSH_PRIORITY } from './brainstem-client';
import type { BrainstemKind } from './brainstem-kind';
import { type WireEquipment, wireEquipment } from './brainstem-wire';

/**
 * Equipment (`modules/equipment`, docs/remotes/brainstem.md). Not subject to approval: a write is live at once.
 *
 * - Pull: the whole list every time (`pullList`); `complete` lets the engine forget what is gone.
 * - Editable: the API does not say per record or per setup whether the token may write it (setup
 *   contributors may, members may only read). Every record is pulled as editable; a write the
 *   server refuses (403, `accessDenied`) is parked as rejected with the server's message, and the
 *   mirror keeps that setup read-only from then on (docs/remotes/brainstem.md, "Who may write").
 */
const PATH = `${PRIVATE_API}/modules/equipment/`;
const detailPath = (id: string) => `${PATH}${encodeURIComponent(id)}/`;
const detailReply = z.object({ equipment: wireEquipment });

/** The fields BenchSync keeps (the schema versions are the server's business and are not kept). */
export function equipmentFields(e: WireEquipment): Fields {
  const all: Fields = { ...e, name: e.name ?? '', notes: e.notes ?? '' };
  return Object.fromEntries(EQUIPMENT_FIELDS.map((k) => [k, all[k] ?? null]));
}

function toRecord(e: WireEquipment): RemoteRecord {
  return { kind: 'equipment', remoteId: e.id, fields: equipmentFields(e), editable: true };
}

/** Validate with the server's own rules before spending a request on something it will refuse. */
function validated(fields: Fields): Fields {
  const result = validateWith(brainstemEquipmentSchema, fields);
  if (!result.ok) throw new RemoteRejected(400, Object.entries(result.errors).map(([f, m]) => `${f}: ${m.join(' ')}`), result.errors);
  return result.fields;
}

export const brainstemEquipment: BrainstemKind = {
  kind: 'equipment',

  pull: (ctx: ConnectorContext, sink: PullSink) => pullList(ctx, sink, 'equipment', PATH, 'equipment', wireEquipment, toRecord),

  async push(ctx: ConnectorContext, op: PushOp): Promise<PushResult> {
    if (op.type === 'create') {
      const body = validated(op.fields);
      const { equipment } = await brainstemCall(ctx.http, { method: 'POST', path: PATH, body, priority: PUSH_PRIORITY }, detailReply);
      return { type: 'saved', remoteId: equipment.id, fields: equipmentFields(equipment) };
    }
    if (!op.remoteId) throw new Error(`Cannot ${op.type} BrainSTEM equipment that has no remote id yet.`);
    if (op.type === 'update') {
      // The whole record is checked (the coordinates depend on the system), but PATCH carries only what changed.
      const all = validated(op.fields);
      const body = Object.fromEntries(Object.keys(op.payload).map((k) => [k, all[k] ?? null]));
      const { equipment } = await brainstemCall(ctx.http, { method: 'PATCH', path: detailPath(op.remoteId), body, priority: PUSH_PRIORITY }, detailReply);
      return { type: 'saved', remoteId: equipment.id, fields: equipmentFields(equipment) };
    }
    if (op.type === 'delete') {
      try {
        await brainstemCall(ctx.http, { method: 'DELETE', path: detailPath(op.remoteId), priority: PUSH_PRIORITY }, null);
      } catch (error) {
        // Already gone (or no longer visible to this token): what the delete wanted is true.
        if (error instanceof RemoteRejected && error.status === 404) return { type: 'deleted' };
        throw error;
      }
      return { type: 'deleted' };
    }
    throw new Error(`BrainSTEM equipment has no "${op.type}" action (it is not subject to approval).`);
  },

  async findCreated(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null> {
    // Nothing of ours is stored with a create, so look for what it would have made: same name,
    // setup and type, not yet mapped to a local record.
    const want = validateWith(brainstemEquipmentSchema, op.fields);
    if (!want.ok) return null;
    const { name, setup, type } = want.fields;
    const query = { 'filter{name}': String(name), 'filter{setup.id}': String(setup) };
    for await (const page of listPages(ctx.http, PATH, 'equipment', wireEquipment, query, PUSH_PRIORITY, ctx.notice)) {
      for (const e of page.items) {
        if (e.type !== type || (e.name ?? '') !== name || e.setup !== setup) continue;
        // The rest of what was sent must match too, so equipment someone else added is never adopted.
        if ((e.notes ?? '') !== (want.fields.notes ?? '') || e.coordinates_system !== want.fields.coordinates_system) continue;
        if (await ctx.isKnownRemoteId('equipment', e.id)) continue;
        return { type: 'saved', remoteId: e.id, fields: equipmentFields(e) };
      }
    }
    return null;
  },
};
