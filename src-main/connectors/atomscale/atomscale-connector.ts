import type { Fields } from '../../../src-shared/domain/record-kinds';
import { atomscaleInstrumentSchema } from '../../../src-shared/domain/remotes/atomscale';
import { validateWith } from '../../../src-shared/domain/validation';
import type { Connector, ConnectorContext, PushOp, PushResult, RemoteAccount } from '../connector';
import type { HttpRequest } from '../http';
import { RemoteRejected } from '../remote-errors';
import { atomscaleRequest, isRouteNotFound, parseReply, routeNotFound } from './atomscale-client';
import { type AtomscaleCreateBody, type AtomscaleInstrument, atomscaleCreated, atomscaleInstrument, atomscaleInstruments } from './atomscale-wire';

/**
 * Atomscale synthesis instruments: list, create, delete (no update exists). The remote id is
 * `synth_source_id`: the create reply carries it (the SDK reads nothing else) and the SDK deletes
 * by it. The list path keeps the docs' trailing slash and the writes the SDK's slashless one.
 */
const PUSH_PRIORITY = 10;
const LIST: HttpRequest = { method: 'GET', path: '/instruments/synthesis/' };
const COLLECTION = '/instruments/synthesis';

const joined = (...parts: (string | null | undefined)[]) => parts.filter((p) => p && p.trim()).join(' ');
const normalised = (s: unknown) => String(s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/** The list object as record fields: `source_metadata` flattened, the make joined as the create form takes it. */
function toFields(i: AtomscaleInstrument): Fields {
  return {
    source_name: i.source_name ?? '',
    source_make: joined(i.source_manufacturer, i.source_model),
    source_manufacturer: i.source_manufacturer ?? '',
    source_model: i.source_model ?? '',
    synth_source_type: i.synth_source_type ?? '',
    serial_identifier: i.source_metadata?.serial_identifier ?? null,
    manufacture_year: i.source_metadata?.manufacture_year ?? null,
    inputs: i.source_metadata?.inputs ?? null,
    detail_note_content: i.detail_note_content ?? null,
    detail_note_last_updated: i.detail_note_last_updated ?? null,
    user_name: i.user_name ?? '',
    last_updated: i.last_updated ?? null,
  };
}

/** The organisation's instruments; `complete` is false when the answer was a 404 the SDK reads as "none". */
async function listInstruments(ctx: ConnectorContext, priority = 0): Promise<{ instruments: AtomscaleInstrument[]; complete: boolean }> {
  const req = { ...LIST, priority };
  const res = await atomscaleRequest(ctx.http, req, { notFoundOk: true });
  if (res.status === 404) {
    // FastAPI's own "Not Found" is a wrong base URL, not an empty list.
    if (isRouteNotFound(res)) throw routeNotFound(req);
    // The SDK turns any other 404 into None, i.e. no instruments; too weak to delete anything on.
    return { instruments: [], complete: false };
  }
  return { instruments: parseReply(res, req, atomscaleInstruments), complete: true };
}

function createBody(op: PushOp): AtomscaleCreateBody {
  const checked = validateWith(atomscaleInstrumentSchema, op.fields);
  if (!checked.ok) throw new RemoteRejected(400, Object.values(checked.errors).flat(), checked.errors);
  const f = checked.fields;
  return { label: String(f.source_name), name: String(f.source_make), type: String(f.synth_source_type), serial_id: (f.serial_identifier as string | null) ?? null };
}

async function create(ctx: ConnectorContext, op: PushOp): Promise<PushResult> {
  const req: HttpRequest = { method: 'POST', path: COLLECTION, body: createBody(op), priority: PUSH_PRIORITY };
  const reply = parseReply(await atomscaleRequest(ctx.http, req), req, atomscaleCreated);
  const remoteId = String(reply.synth_source_id);
  const full = atomscaleInstrument.safeParse(reply);
  if (full.success) return { type: 'saved', remoteId, fields: toFields(full.data) };
  // The instrument exists now: a failed re-read must not throw (the engine would create it again).
  try {
    const stored = (await listInstruments(ctx, PUSH_PRIORITY)).instruments.find((i) => i.synth_source_id === reply.synth_source_id);
    if (stored) return { type: 'saved', remoteId, fields: toFields(stored) };
  } catch {
    // fall through
  }
  return { type: 'saved', remoteId, fields: op.fields };
}

/**
 * Atomscale does not say whose key it is: a key acts for its organisation, and the list names
 * only each instrument's owner. Those names are what tells one organisation from another.
 */
function accountOf(instruments: readonly AtomscaleInstrument[]): RemoteAccount {
  const names = [...new Set(instruments.map((i) => i.user_name?.trim()).filter((n): n is string => Boolean(n)))].sort();
  if (names.length === 0) return { label: 'an organization with no instruments yet', named: false };
  const shown = names.slice(0, 2).join(', ');
  return { label: `organization of ${shown}${names.length > 2 ? ` +${names.length - 2}` : ''}`, named: false };
}

export const atomscaleConnector: Connector = {
  system: 'atomscale',
  // Nothing is published; the SDK retries 429 after Retry-After. A modest pace keeps us clear of it.
  rateLimit: [
    { limit: 5, windowMs: 1_000 },
    { limit: 200, windowMs: 60_000 },
  ],
  pullIntervalMs: 60_000,

  authHeaders: (connection) => ({ 'x-api-key': connection.apiKey }),

  async pull(ctx, sink) {
    const { instruments, complete } = await listInstruments(ctx);
    sink.account?.(accountOf(instruments));
    // Everything the organisation has is the user's to delete (there is no update to refuse).
    await sink.page({
      kind: 'instrument',
      records: instruments.map((i) => ({ kind: 'instrument', remoteId: String(i.synth_source_id), fields: toFields(i), editable: true })),
    });
    if (complete) await sink.complete('instrument');
  },

  async push(ctx, op): Promise<PushResult> {
    if (op.type === 'create') return create(ctx, op);
    if (op.type !== 'delete') {
      throw new RemoteRejected(405, ['Atomscale has no way to change a synthesis instrument; only adding and deleting are possible.']);
    }
    if (!op.remoteId) throw new Error('Cannot delete an Atomscale instrument that has no id there yet.');
    const req: HttpRequest = { method: 'DELETE', path: COLLECTION, query: { synthesis_instrument_ids: op.remoteId }, priority: PUSH_PRIORITY };
    try {
      await atomscaleRequest(ctx.http, req, { notFoundOk: true });
    } catch (error) {
      // The documented server skips ids that are gone; the published one refuses the request (400).
      // Gone from the organisation's list means what the delete wanted is true (e.g. a resend after a lost reply).
      if (!(error instanceof RemoteRejected) || error.status !== 400) throw error;
      const { instruments, complete } = await listInstruments(ctx, PUSH_PRIORITY);
      if (complete && !instruments.some((i) => String(i.synth_source_id) === op.remoteId)) return { type: 'deleted' };
      throw error;
    }
    return { type: 'deleted' };
  },

  async findCreated(ctx, op) {
    // Nothing of ours is stored with a create, so match what it stored: label, make, type and
    // serial, among the organisation's instruments not yet mapped to a local record, newest first.
    let want: AtomscaleCreateBody;
    try {
      want = createBody(op);
    } catch {
      return null;
    }
    const candidates = (await listInstruments(ctx, PUSH_PRIORITY)).instruments.sort((a, b) => b.synth_source_id - a.synth_source_id);
    for (const i of candidates) {
      if (normalised(i.source_name) !== normalised(want.label) || i.synth_source_type !== want.type) continue;
      if (normalised(joined(i.source_manufacturer, i.source_model)) !== normalised(want.name)) continue;
      if (normalised(i.source_metadata?.serial_identifier) !== normalised(want.serial_id)) continue;
      if (await ctx.isKnownRemoteId('instrument', String(i.synth_source_id))) continue;
      return { type: 'saved', remoteId: String(i.synth_source_id), fields: toFields(i) };
    }
    return null;
  },

  async check(ctx) {
    const { instruments } = await listInstruments(ctx);
    return {
      message: `Connected to Atomscale: ${instruments.length} synthesis instrument${instruments.length === 1 ? '' : 's'} in your organization.`,
      account: accountOf(instruments),
    };
  },
};
