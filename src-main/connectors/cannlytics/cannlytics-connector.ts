import { type z } from 'zod';
import type { Fields } from '../../../src-shared/domain/record-kinds';
import { CANNLYTICS_SERVER_FIELDS, cannlyticsInstrumentSchema } from '../../../src-shared/domain/remotes/cannlytics';
import { validateWith } from '../../../src-shared/domain/validation';
import type { BatchItemResult, Connector, ConnectorContext, PushOp, PushResult, RemoteAccount, RemoteRecord } from '../connector';
import { RemoteProtocolError, RemoteRejected } from '../remote-errors';
import { type CannlyticsRequest, cannlyticsCall } from './cannlytics-client';
import { type CannlyticsDocument, cannlyticsDeleted, cannlyticsDocument, cannlyticsDocuments } from './cannlytics-wire';

/**
 * Cannlytics LIMS instruments. The remote id is the client-chosen `instrument_id` (the Firestore
 * document id). Writes are POST upserts that merge, so BenchSync makes them behave as a create
 * or an update by reading first: a create is not sent over an instrument that appeared remotely
 * since the last pull (it would merge into someone else's), nor an update to one deleted
 * remotely (it would come back with only the changed fields).
 *
 * Per batch of up to 25 ops: one read (which ids exist), one DELETE for the deletes, one POST for
 * the creates and updates, one read of what the server now stores (its reply only echoes what was
 * posted). A read of one or two ids is a GET per id; more is one GET of the whole list, which
 * costs one request however many ids. (`items=` is not used: the real server iterates that
 * parameter's characters, not its ids.)
 */
const PUSH_PRIORITY = 10;
/**
 * No paging exists and a list answers at most 1000 documents (the server's default limit).
 * `limit` is never sent: the published server passes it as text to Firestore, which fails with
 * 500 (see docs/remotes/cannlytics.md). A list that long may be cut, so it proves nothing about
 * what it lacks.
 */
const LIST_CAP = 1000;
const PAGE_SIZE = 500;
const READ_ONE_BY_ONE_MAX = 2;

/** The documented blank instrument, as the docs' create example posts it. */
const DOCUMENTED_BLANKS: Fields = {
  instrument_id: '',
  name: '',
  instrument_type: '',
  vendor: '',
  description: '',
  area_id: '',
  area_name: '',
  calibrated_at: 0,
  calibrated_by: '',
  initials: '',
  date: '',
  data_path: '',
};

const NOT_SENT = new Set<string>(['id', 'instrument_id', ...CANNLYTICS_SERVER_FIELDS]);

const organizationOf = (ctx: ConnectorContext) => ctx.connection.settings.organizationId ?? '';

function call<T>(ctx: ConnectorContext, req: CannlyticsRequest, data: z.ZodType<T>): Promise<T> {
  return cannlyticsCall(ctx.http, organizationOf(ctx), req, data);
}

const docPath = (key: string) => `/instruments/${encodeURIComponent(key)}`;

/** A read's `id` is the document id; it is the key whatever `instrument_id` the document holds. */
function keyOf(doc: CannlyticsDocument): string | null {
  // Firestore document ids are non-empty strings; anything else is not a document we can key.
  const id = doc.id ?? doc.instrument_id;
  return typeof id === 'string' && id.trim() !== '' ? id : null;
}

function toFields(doc: CannlyticsDocument, key: string): Fields {
  const { id: _id, ...fields } = doc;
  return { ...fields, instrument_id: key };
}

async function listInstruments(ctx: ConnectorContext, priority = 0): Promise<CannlyticsDocument[]> {
  return call(ctx, { method: 'GET', path: '/instruments', priority }, cannlyticsDocuments);
}

/** What the server stores under each key now; null where there is no such document. */
async function readStored(ctx: ConnectorContext, keys: string[]): Promise<Map<string, CannlyticsDocument | null>> {
  const found = new Map<string, CannlyticsDocument | null>();
  let left = keys;
  if (keys.length > READ_ONE_BY_ONE_MAX) {
    const all = await listInstruments(ctx, PUSH_PRIORITY);
    const byKey = new Map(all.map((d) => [keyOf(d), d]));
    for (const key of keys) found.set(key, byKey.get(key) ?? null);
    // A capped list proves nothing about the keys it lacks.
    left = all.length >= LIST_CAP ? keys.filter((k) => !byKey.has(k)) : [];
  }
  for (const key of left) {
    const doc = await call(ctx, { method: 'GET', path: docPath(key), priority: PUSH_PRIORITY }, cannlyticsDocument);
    // A missing document reads as `{}`.
    found.set(key, Object.keys(doc).length > 0 ? doc : null);
  }
  return found;
}

interface Write {
  index: number;
  op: PushOp;
  key: string;
  body: Fields;
}

const rejected = (status: number, message: string, fieldErrors: Record<string, string[]> = {}): BatchItemResult => ({
  type: 'rejected',
  status,
  messages: [message],
  fieldErrors,
});

/** The create body: the documented blanks, then everything the record has except what the server stamps. */
function createBody(fields: Fields, key: string): Fields {
  const own = Object.fromEntries(Object.entries(fields).filter(([k]) => !NOT_SENT.has(k)));
  return { ...DOCUMENTED_BLANKS, ...own, instrument_id: key };
}

/** An update sends the key and the changed fields only; the server merges them into the document. */
function updateBody(validated: Fields, payload: Fields, key: string): Fields {
  const changed = Object.keys(payload).filter((k) => !NOT_SENT.has(k));
  return { instrument_id: key, ...Object.fromEntries(changed.map((k) => [k, validated[k]])) };
}

async function pushBatch(ctx: ConnectorContext, ops: PushOp[]): Promise<BatchItemResult[]> {
  const results: (BatchItemResult | undefined)[] = ops.map(() => undefined);
  const writes: Write[] = [];
  const deletes: { index: number; key: string }[] = [];
  const mustBeNew = new Set<number>();

  for (const [index, op] of ops.entries()) {
    if (op.type === 'delete') {
      if (op.remoteId) deletes.push({ index, key: op.remoteId });
      else results[index] = rejected(400, 'This instrument has no instrument ID on Cannlytics yet, so there is nothing to delete there.');
      continue;
    }
    if (op.type !== 'create' && op.type !== 'update') {
      results[index] = rejected(400, `Cannlytics has no “${op.type}” action for instruments.`);
      continue;
    }
    // Our own rules before spending a request (the server would store anything).
    const checked = validateWith(cannlyticsInstrumentSchema, op.fields);
    if (!checked.ok) {
      results[index] = { type: 'rejected', status: 400, messages: Object.values(checked.errors).flat(), fieldErrors: checked.errors };
      continue;
    }
    const key = op.type === 'create' ? String(checked.fields.instrument_id) : op.remoteId;
    if (!key) {
      results[index] = rejected(400, 'This instrument has no instrument ID on Cannlytics yet.');
      continue;
    }
    if (op.type === 'create') {
      // Another local record got this key from a pull after this create was queued.
      if (await ctx.isKnownRemoteId('instrument', key)) {
        const why =
          op.attempts > 0
            ? `Instrument ID “${key}” now belongs to another record here, which a refresh brought in after this one was first sent: probably this very instrument, saved by an earlier attempt whose reply was lost. Check that record and discard this one.`
            : `Instrument ID “${key}” is already used by another instrument of this organization; choose another.`;
        results[index] = rejected(409, why, { instrument_id: [why] });
        continue;
      }
      // A create whose earlier send may have arrived is expected to exist: it is re-sent as is.
      if (op.attempts === 0) mustBeNew.add(index);
    }
    writes.push({ index, op, key, body: op.type === 'create' ? createBody(checked.fields, key) : updateBody(checked.fields, op.payload, key) });
  }

  // Upserts made to behave: nothing is sent where the remote moved under us.
  const guarded = writes.filter((w) => w.op.type === 'update' || mustBeNew.has(w.index));
  if (guarded.length > 0) {
    const stored = await readStored(ctx, guarded.map((w) => w.key));
    for (const w of guarded) {
      const exists = Boolean(stored.get(w.key));
      if (w.op.type === 'create' && exists) {
        const why = `Cannlytics already has an instrument “${w.key}” in this organization (added since BenchSync last refreshed). Saving would merge into it, so nothing was sent: choose another instrument ID, or discard this new record.`;
        results[w.index] = rejected(409, why, { instrument_id: [why] });
      } else if (w.op.type === 'update' && !exists) {
        results[w.index] = rejected(
          404,
          `“${String(w.op.fields.name ?? w.key)}” (${w.key}) is no longer in Cannlytics: someone deleted it. Saving would bring it back with only the changed fields, so nothing was sent. Discard the change, or refresh to choose whether to keep your version.`,
        );
      }
    }
  }
  const toWrite = writes.filter((w) => !results[w.index]);

  // Deletes first: repeating one is harmless, so if the POST fails after it and everything is retried, nothing breaks.
  if (deletes.length > 0) {
    try {
      await call(
        ctx,
        { method: 'DELETE', path: '/instruments', body: deletes.map((d) => ({ instrument_id: d.key })), priority: PUSH_PRIORITY },
        cannlyticsDeleted,
      );
      for (const d of deletes) results[d.index] = { type: 'deleted' };
    } catch (error) {
      if (!(error instanceof RemoteRejected)) throw error;
      // e.g. 403 "Your must be an owner or quality assurance to delete instruments."
      for (const d of deletes) results[d.index] = { type: 'rejected', status: error.status, messages: error.messages, fieldErrors: error.fieldErrors };
    }
  }

  if (toWrite.length > 0) {
    let echo: Fields[] = [];
    try {
      echo = await call(ctx, { method: 'POST', path: '/instruments', body: toWrite.map((w) => w.body), priority: PUSH_PRIORITY }, cannlyticsDocuments);
    } catch (error) {
      if (!(error instanceof RemoteRejected)) throw error;
      for (const w of toWrite) results[w.index] = { type: 'rejected', status: error.status, messages: error.messages, fieldErrors: error.fieldErrors };
      return results as BatchItemResult[];
    }
    // Written: from here nothing may throw, or the engine would send the writes again as if they had not happened.
    let stored: Map<string, CannlyticsDocument | null> | null = null;
    try {
      stored = await readStored(ctx, toWrite.map((w) => w.key));
    } catch {
      stored = null;
    }
    for (const [n, w] of toWrite.entries()) {
      const doc = stored?.get(w.key);
      // Without a re-read, the record plus the echo (which carries the server's stamp) is the best knowledge.
      const fields = doc ? toFields(doc, w.key) : { ...w.op.fields, ...(echo[n] ?? w.body), instrument_id: w.key };
      results[w.index] = { type: 'saved', remoteId: w.key, fields };
    }
  }
  return results as BatchItemResult[];
}

/**
 * Cannlytics does not say whose key it is; a successful read proves the key's user belongs to
 * the organisation (anyone else gets a 403 naming it).
 */
function accountOf(ctx: ConnectorContext): RemoteAccount {
  return { label: `member of ${organizationOf(ctx)}`, named: false };
}

export const cannlyticsConnector: Connector = {
  system: 'cannlytics',
  // No limit is published or implemented for the LIMS endpoints. Each request is a Firestore read
  // or write billed to the lab, so BenchSync stays polite: at most 5 a second, 300 a minute.
  rateLimit: [
    { limit: 5, windowMs: 1_000 },
    { limit: 300, windowMs: 60_000 },
  ],
  // Every pull reads the whole collection (no change feed or paging), so not too often.
  pullIntervalMs: 120_000,

  authHeaders: (connection) => ({ authorization: `Bearer ${connection.apiKey}` }),

  async pull(ctx, sink) {
    const docs = await listInstruments(ctx);
    sink.account?.(accountOf(ctx));
    const records: RemoteRecord[] = [];
    for (const doc of docs) {
      const key = keyOf(doc);
      // A listing with an unusable id is not a listing BenchSync can trust: nothing is applied.
      if (key === null) throw new RemoteProtocolError(`Cannlytics listed an instrument without a usable id (${JSON.stringify(doc.id ?? null).slice(0, 40)}); nothing was changed here.`);
      // The organisation's instruments are writable by its members; deletes are checked per role by the server.
      records.push({ kind: 'instrument', remoteId: key, fields: toFields(doc, key), editable: true });
    }
    for (let i = 0; i < records.length; i += PAGE_SIZE) {
      await sink.page({ kind: 'instrument', records: records.slice(i, i + PAGE_SIZE) });
    }
    // A full page may have been cut at the limit: then local records missing from it may still
    // exist remotely, so they are not forgotten.
    if (docs.length < LIST_CAP) await sink.complete('instrument');
  },

  async push(ctx, op): Promise<PushResult> {
    const [result] = await pushBatch(ctx, [op]);
    if (!result) throw new RemoteRejected(400, ['Nothing was sent.']);
    if (result.type === 'rejected') throw new RemoteRejected(result.status, result.messages, result.fieldErrors);
    return result;
  },

  // A batch: one read of which keys exist, the DELETE and/or the POST, one read of what is stored.
  batch: { maxOps: 25, requestsPerBatch: 3, push: pushBatch },

  async findCreated() {
    // A create is an upsert keyed by our own instrument_id: sending it again after a lost reply
    // writes the same document once more, so there is nothing to look up.
    return null;
  },

  async check(ctx) {
    await listInstruments(ctx);
    return { message: `Connected to Cannlytics: the instruments of organization “${organizationOf(ctx)}” can be read.`, account: accountOf(ctx) };
  },
};
