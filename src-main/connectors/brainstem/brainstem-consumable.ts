import { z } from 'zod';
import { sameValue } from '../../../src-shared/domain/field-diff';
import { brainstemConsumableSchema, CONSUMABLE_FIELDS, CONSUMABLE_READ_ONLY } from '../../../src-shared/domain/remotes/brainstem-consumable';
import type { Fields } from '../../../src-shared/domain/record-kinds';
import { validateWith } from '../../../src-shared/domain/validation';
import type { ConnectorContext, ProposalUpdate, PullSink, PushOp, PushResult, RemoteApproval, RemoteRecord } from '../connector';
import { RemoteRejected } from '../remote-errors';
import { brainstemCall, listPages, PRIVATE_API, pullList, PUSH_PRIORITY, refusedFilter } from './brainstem-client';
import type { BrainstemKind } from './brainstem-kind';
import { type WireConsumable, wireConsumable, type WireConsumableApproval, wireConsumableApproval } from './brainstem-wire';

/**
 * Consumables (`resources/consumable`, docs/remotes/brainstem.md), under BrainSTEM's approval workflow:
 * - POST and PATCH change nothing live: they file an approval (201/200 `{consumable_approval}`),
 *   which the record carries as its proposal until an administrator decides.
 * - What became of a proposal is read from `consumableapproval`, filtered by id (polled by the
 *   engine, behind pushes). An accepted Add points at the live record it made by `instance_id`,
 *   or failing that by its name (names are unique).
 * - Reviewers (the connection's `reviewer` setting) get the pending approvals as their queue and
 *   decide with PATCH `consumableapproval/<id>/accept/` or `/reject/` (no body). Anyone else gets
 *   the server's 403, parked as the decision's error. Only administrators may delete (403 otherwise).
 */
const PATH = `${PRIVATE_API}/resources/consumable/`;
const APPROVALS = `${PRIVATE_API}/resources/consumableapproval/`;
const detailPath = (id: string) => `${PATH}${encodeURIComponent(id)}/`;
const approvalPath = (id: string) => `${APPROVALS}${encodeURIComponent(id)}/`;
const approvalReply = z.object({ consumable_approval: wireConsumableApproval });
/** Approval ids per poll request: a `filter{id.in}` of 25 UUIDs keeps the URL near 1.5 kB. */
export const POLL_BATCH = 25;
const GONE = 'BrainSTEM no longer has this submission (it was withdrawn or removed). Edit and resubmit it, or discard it.';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields BenchSync keeps. An approval may leave some out (the docs' add/change replies do):
 * those come from `fallback`, the values we sent, when given.
 */
export function consumableFields(c: WireConsumable, fallback: Fields = {}): Fields {
  const mapped: Fields = {
    name: c.name,
    type: c.type,
    supplier: c.supplier ?? '',
    description: c.description ?? '',
    details: isPlainObject(c.details) ? c.details : {},
    rrid: c.rrid ?? '',
    rrid_url: c.rrid_url ?? '',
    external_identifiers: Array.isArray(c.external_identifiers) ? c.external_identifiers : [],
    comments: c.comments ?? '',
  };
  const sent = (k: string) => (c as Record<string, unknown>)[k] !== undefined || !(k in fallback);
  return Object.fromEntries(CONSUMABLE_FIELDS.map((k) => [k, sent(k) ? mapped[k] : fallback[k]]));
}

function toRecord(c: WireConsumable): RemoteRecord {
  // Anyone may propose a change to any consumable.
  return { kind: 'consumable', remoteId: c.id, fields: consumableFields(c), editable: true };
}

/** "Revision Requested" (a state only the site's tutorial mentions) still awaits a decision. */
function statusOf(a: WireConsumableApproval): ProposalUpdate['status'] {
  return a.status === 'Accepted' || a.status === 'Rejected' ? a.status : 'Pending';
}

/** Validate with the server's own rules before spending a request on something it will refuse. */
function validated(fields: Fields): Fields {
  const result = validateWith(brainstemConsumableSchema, fields);
  if (!result.ok) throw new RemoteRejected(400, Object.entries(result.errors).map(([f, m]) => `${f}: ${m.join(' ')}`), result.errors);
  return result.fields;
}

/** The named fields as the server takes them: never the read-only ones, no empty comment. */
function body(fields: Fields, keys: readonly string[]): Fields {
  const out: Fields = {};
  for (const k of keys) {
    if ((CONSUMABLE_READ_ONLY as readonly string[]).includes(k) || !(CONSUMABLE_FIELDS as readonly string[]).includes(k)) continue;
    if (k === 'comments' && fields.comments === '') continue;
    out[k] = fields[k];
  }
  return out;
}

function proposed(a: WireConsumableApproval, sent: Fields): PushResult {
  return { type: 'proposed', approvalId: a.id, action: a.action, fields: consumableFields(a, sent) };
}

/** The live consumable an accepted Add made, found by its unique name (for servers that leave `instance_id` null). */
async function liveByName(ctx: ConnectorContext, name: string): Promise<WireConsumable | null> {
  for await (const page of listPages(ctx.http, PATH, 'consumables', wireConsumable, { 'filter{name}': name }, 0, ctx.notice)) {
    const hit = page.items.find((c) => c.name === name);
    if (hit) return hit;
  }
  return null;
}

async function proposalUpdate(ctx: ConnectorContext, approvalId: string, a: WireConsumableApproval): Promise<ProposalUpdate> {
  const status = statusOf(a);
  if (status === 'Accepted' && a.action === 'Add' && !a.instance_id) {
    const live = await liveByName(ctx, a.name);
    if (live) return { approvalId, status, instanceRemoteId: live.id, liveFields: consumableFields(live) };
  }
  return { approvalId, status, instanceRemoteId: a.instance_id ?? null };
}

export const brainstemConsumable: BrainstemKind = {
  kind: 'consumable',

  pull: (ctx: ConnectorContext, sink: PullSink) => pullList(ctx, sink, 'consumable', PATH, 'consumables', wireConsumable, toRecord),

  async push(ctx: ConnectorContext, op: PushOp): Promise<PushResult> {
    if (op.type === 'create') {
      const all = validated(op.fields);
      const { consumable_approval } = await brainstemCall(
        ctx.http,
        { method: 'POST', path: PATH, body: body(all, CONSUMABLE_FIELDS), priority: PUSH_PRIORITY },
        approvalReply,
      );
      return proposed(consumable_approval, all);
    }
    if (!op.remoteId) throw new Error(`Cannot ${op.type} a BrainSTEM consumable that has no remote id yet.`);
    if (op.type === 'accept' || op.type === 'reject') {
      // The reply repeats the approval; what matters is that it was taken (403 for non-administrators).
      await brainstemCall(ctx.http, { method: 'PATCH', path: `${approvalPath(op.remoteId)}${op.type}/`, priority: PUSH_PRIORITY }, null);
      return { type: 'decided', approvalId: op.remoteId, status: op.type === 'accept' ? 'Accepted' : 'Rejected' };
    }
    if (op.type === 'update') {
      // The whole record is checked, but the PATCH carries only what changed (the Change approval
      // the server files is the live record with these fields replaced).
      const all = validated(op.fields);
      const patch = body(all, Object.keys(op.payload));
      if (Object.keys(patch).length === 0) throw new RemoteRejected(400, ['Only read-only fields changed; there is nothing to propose.']);
      const { consumable_approval } = await brainstemCall(
        ctx.http,
        { method: 'PATCH', path: detailPath(op.remoteId), body: patch, priority: PUSH_PRIORITY },
        approvalReply,
      );
      return proposed(consumable_approval, all);
    }
    try {
      await brainstemCall(ctx.http, { method: 'DELETE', path: detailPath(op.remoteId), priority: PUSH_PRIORITY }, null);
    } catch (error) {
      // Already gone: what the delete wanted is true. A 403 (not an administrator) stays a rejection.
      if (error instanceof RemoteRejected && error.status === 404) return { type: 'deleted' };
      throw error;
    }
    return { type: 'deleted' };
  },

  async findCreated(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null> {
    // A create files an Add approval: look for one with our values that is not, and never was, a
    // local record's. Decided ones count too: an administrator may have decided before the lookup,
    // and filing again would resubmit what they rejected. (A resubmission's old approval is known.)
    const want = validateWith(brainstemConsumableSchema, op.fields);
    if (!want.ok) return null;
    const { name, type, supplier } = want.fields;
    const query = { 'filter{name}': String(name), 'filter{action}': 'Add' };
    for await (const page of listPages(ctx.http, APPROVALS, 'consumable_approvals', wireConsumableApproval, query, PUSH_PRIORITY, ctx.notice)) {
      for (const a of page.items) {
        if (a.action !== 'Add' || a.name !== name || a.type !== type || (a.supplier ?? '').toLowerCase() !== supplier) continue;
        if (await ctx.isKnownApprovalId(a.id)) continue;
        return proposed(a, want.fields);
      }
    }
    return null;
  },

  async findApplied(ctx: ConnectorContext, op: PushOp): Promise<PushResult | null> {
    if (!op.remoteId) return null;
    if (op.type === 'accept' || op.type === 'reject') {
      // A decision whose answer was lost: if the approval is decided, it took (or someone else's did).
      const { consumable_approval: a } = await brainstemCall(ctx.http, { method: 'GET', path: approvalPath(op.remoteId), priority: PUSH_PRIORITY }, approvalReply);
      const status = statusOf(a);
      return status === 'Pending' ? null : { type: 'decided', approvalId: op.remoteId, status };
    }
    if (op.type === 'update') {
      // Each PATCH files a new Change approval: find the one a lost reply already filed, whatever an
      // administrator made of it since (filing it again would ask them twice, or revive a rejection).
      const want = validateWith(brainstemConsumableSchema, op.fields);
      if (!want.ok) return null;
      const sent = body(want.fields, Object.keys(op.payload));
      const query = { 'filter{instance_id}': op.remoteId, 'filter{action}': 'Change' };
      for await (const page of listPages(ctx.http, APPROVALS, 'consumable_approvals', wireConsumableApproval, query, PUSH_PRIORITY, ctx.notice)) {
        for (const a of page.items) {
          if (a.action !== 'Change' || a.instance_id !== op.remoteId) continue;
          const theirs = consumableFields(a) as Record<string, unknown>;
          if (!Object.entries(sent).every(([k, v]) => sameValue(theirs[k], v))) continue;
          if (await ctx.isKnownApprovalId(a.id)) continue;
          return proposed(a, want.fields);
        }
      }
    }
    return null;
  },

  async pendingApprovals(ctx: ConnectorContext): Promise<RemoteApproval[]> {
    const out: RemoteApproval[] = [];
    const query = { 'filter{status}': 'Pending', 'sort[]': 'id' };
    for await (const page of listPages(ctx.http, APPROVALS, 'consumable_approvals', wireConsumableApproval, query, 0, ctx.notice)) {
      for (const a of page.items) {
        if (a.status !== 'Pending') continue;
        out.push({ kind: 'consumable', approvalId: a.id, action: a.action, status: 'Pending', instanceRemoteId: a.instance_id ?? null, fields: consumableFields(a) });
      }
    }
    return out;
  },

  async pollProposals(ctx: ConnectorContext, approvalIds: string[]): Promise<ProposalUpdate[]> {
    const updates: ProposalUpdate[] = [];
    for (let i = 0; i < approvalIds.length; i += POLL_BATCH) {
      const ids = approvalIds.slice(i, i + POLL_BATCH);
      // One request per batch, at the default priority: any push waiting at the limiter goes first.
      const found = new Map<string, WireConsumableApproval>();
      const query = { 'filter{id.in}': ids };
      try {
        for await (const page of listPages(ctx.http, APPROVALS, 'consumable_approvals', wireConsumableApproval, query)) {
          for (const a of page.items) found.set(a.id.toLowerCase(), a);
          break; // a batch fits one page; more rows would mean the filter was not applied
        }
      } catch (error) {
        // Without `filter{id.in}` (undocumented) the whole list would be read: each approval is read by its id instead.
        if (!refusedFilter(error, query)) throw error;
        ctx.notice('BrainSTEM refused the filter filter{id.in} on approvals, so BenchSync reads each awaited proposal on its own (one request each).');
      }
      for (const id of ids) {
        let a = found.get(id.toLowerCase());
        if (!a) {
          try {
            a = (await brainstemCall(ctx.http, { method: 'GET', path: approvalPath(id) }, approvalReply)).consumable_approval;
          } catch (error) {
            if (error instanceof RemoteRejected && error.status === 404) {
              updates.push({ approvalId: id, status: 'Rejected', instanceRemoteId: null, message: GONE });
              continue;
            }
            throw error;
          }
        }
        updates.push(await proposalUpdate(ctx, id, a));
      }
    }
    return updates;
  },
};
