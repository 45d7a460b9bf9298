import { z } from 'zod';
import { sameValue } from '../../../src-shared/domain/field-diff';
import { catalogInstrumentSchema } from '../../../src-shared/domain/remotes/catalog';
import { validateWith } from '../../../src-shared/domain/validation';
import type { Connector, ConnectorContext, PushOp, PushResult, RemoteAccount, RemoteRecord } from '../connector';
import { RemoteRejected } from '../remote-errors';
import { catalogCall } from './catalog-client';
import { type CatalogInstrument, catalogCategory, catalogDeleted, catalogInstrument } from './catalog-wire';

/** Native fields BenchSync keeps for a catalog instrument (the id is the record's remote id). */
function toFields(i: CatalogInstrument) {
  return { name: i.name, description: i.description, image: i.image, category_id: i.category_id, alternate_names: i.alternate_names };
}

function toRecord(i: CatalogInstrument, editable: boolean): RemoteRecord {
  return { kind: 'instrument', remoteId: String(i.id), fields: toFields(i), editable };
}

const PUSH_PRIORITY = 10;

/**
 * The catalog never says whose key it is (no user endpoint; instruments do not carry their owner),
 * only which instruments are the key's own (`/myinstruments/`).
 */
function accountOf(own: number): RemoteAccount {
  return { label: own === 0 ? 'owner of no instruments' : `owner of ${own} instrument${own === 1 ? '' : 's'}`, named: false };
}

async function myInstruments(ctx: ConnectorContext, priority = 0): Promise<CatalogInstrument[]> {
  return catalogCall(ctx.http, { method: 'GET', path: '/myinstruments/', priority }, z.array(catalogInstrument));
}

/** Validate with the server's own rules before spending a request on something it will refuse. */
function validated(op: PushOp, fields: Record<string, unknown>) {
  const result = validateWith(catalogInstrumentSchema, fields);
  if (!result.ok) {
    // A message naming several fields is on each of them, and said once.
    throw new RemoteRejected(400, [...new Set(Object.values(result.errors).flat())], result.errors);
  }
  return result.fields;
}

export const catalogConnector: Connector = {
  system: 'catalog',
  // Published: 50 requests per minute or 2 per second, across all endpoints.
  rateLimit: [
    { limit: 2, windowMs: 1_000 },
    { limit: 50, windowMs: 60_000 },
  ],
  // Each instrument is its own resource: writes to different ones do not depend on each other.
  parallelPushes: 8,
  pullIntervalMs: 60_000,

  authHeaders: (connection) => ({ authorization: `Bearer ${connection.apiKey}` }),

  async pull(ctx, sink) {
    const categories = await catalogCall(ctx.http, { method: 'GET', path: '/categories/' }, z.array(catalogCategory));
    await sink.categories(categories.map((c) => ({ remoteId: String(c.id), name: c.name, description: c.description })));
    const mine = new Set((await myInstruments(ctx)).map((i) => i.id));
    sink.account?.(accountOf(mine.size));
    const all = await catalogCall(ctx.http, { method: 'GET', path: '/instruments/' }, z.array(catalogInstrument));
    await sink.page({ kind: 'instrument', records: all.map((i) => toRecord(i, mine.has(i.id))) });
    await sink.complete('instrument');
  },

  async push(ctx, op): Promise<PushResult> {
    if (op.type === 'create') {
      const body = validated(op, op.fields);
      try {
        const created = await catalogCall(ctx.http, { method: 'POST', path: '/instruments/', body, priority: PUSH_PRIORITY }, catalogInstrument);
        return { type: 'saved', remoteId: String(created.id), fields: toFields(created) };
      } catch (error) {
        // The published server reads a null image as the text "None" and refuses it (docs/remotes/catalog.md).
        if (error instanceof RemoteRejected && body.image === null && error.messages.some((m) => m.startsWith('Image URL'))) {
          const why = 'This Instrument Catalog server cannot store an instrument without an image: it reads “no image” as the text “None” and refuses it. Add an image URL.';
          throw new RemoteRejected(400, [why], { image: [why] });
        }
        throw error;
      }
    }
    if (!op.remoteId) throw new Error(`Cannot ${op.type} a catalog instrument that has no remote id yet.`);
    const path = `/instruments/${encodeURIComponent(op.remoteId)}/`;
    if (op.type === 'update') {
      // The whole record is checked (rules span fields), but only the changed fields are sent.
      const all = validated(op, op.fields);
      const body = Object.fromEntries(Object.keys(op.payload).map((k) => [k, all[k]]));
      const updated = await catalogCall(ctx.http, { method: 'PUT', path, body, priority: PUSH_PRIORITY }, catalogInstrument);
      return { type: 'saved', remoteId: String(updated.id), fields: toFields(updated) };
    }
    try {
      await catalogCall(ctx.http, { method: 'DELETE', path, priority: PUSH_PRIORITY }, catalogDeleted);
    } catch (error) {
      // Already gone (e.g. a resend of a delete whose reply was lost): what the delete wanted is true.
      if (error instanceof RemoteRejected && error.status === 404) return { type: 'deleted' };
      throw error;
    }
    return { type: 'deleted' };
  },

  async findCreated(ctx, op) {
    // The catalog stores nothing of ours to tag a create with, so match what it would have stored
    // (the normalised fields) among the user's own instruments not yet mapped to a local record.
    const want = validateWith(catalogInstrumentSchema, op.fields);
    if (!want.ok) return null;
    for (const i of await myInstruments(ctx, PUSH_PRIORITY)) {
      // Every field the create sent must match, so an instrument made elsewhere is never adopted.
      const sent = want.fields;
      if (i.name !== sent.name || i.category_id !== sent.category_id || i.description !== sent.description) continue;
      if (!sameValue(i.alternate_names, sent.alternate_names)) continue;
      // The server may replace an image URL by its final one after redirects; no image must stay none.
      if ((sent.image === null) !== (i.image === null)) continue;
      if (await ctx.isKnownRemoteId('instrument', String(i.id))) continue;
      return { type: 'saved', remoteId: String(i.id), fields: toFields(i) };
    }
    return null;
  },

  async check(ctx) {
    const own = (await myInstruments(ctx)).length;
    return { message: `Connected to Instrument Catalog: the key works and owns ${own} instrument${own === 1 ? '' : 's'}.`, account: accountOf(own) };
  },
};
