import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../common/emulator-server';
import { startAtomscaleEmulator } from './atomscale-emulator';
import { type Reply, readReply } from '../common/reply';

/**
 * Conformance of the Atomscale emulator with the published synthesis-instrument docs
 * (seeds/002_20f35dcbb2a4a4d0.txt) and docs/remotes/atomscale.md, over real HTTP.
 */

interface CallOptions {
  /** `null` sends no X-API-KEY. Default: the member's key. */
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  redirect?: RequestRedirect;
}

async function call(emu: RunningEmulator, method: string, path: string, o: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  const key = o.key === undefined ? emu.users.member : o.key;
  if (key != null) headers['x-api-key'] = key;
  let body: string | undefined;
  if (o.rawBody !== undefined) body = o.rawBody;
  else if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  return readReply(await fetch(`${emu.baseUrl}${path}`, { method, headers, body, redirect: o.redirect }));
}

/** The documented list item, verbatim from the seed. */
const DOC_ITEM = {
  id: 7,
  source_name: 'MBE Chamber A',
  source_manufacturer: 'Veeco',
  source_model: 'GEN10',
  source_makes_id: 3,
  synth_source_type: 'mbe',
  synth_source_id: 42,
  source_metadata: { manufacture_year: 2021, serial_identifier: 'GEN10-00421', inputs: 8 },
  detail_note_content: null,
  detail_note_last_updated: null,
  user_id: 'user_abc123',
  user_name: 'Jane Smith',
  last_updated: '2024-01-15T10:00:00Z',
};
const FULL_KEYS = Object.keys(DOC_ITEM).sort();
const REDUCED_KEYS = [
  'last_updated',
  'source_makes_id',
  'source_metadata',
  'source_name',
  'synth_source_id',
  'synth_source_type',
  'user_id',
].sort();
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const INT_PARSING = 'Input should be a valid integer, unable to parse string as an integer';

function expectFullShape(item: any): void {
  expect(Object.keys(item).sort()).toEqual(FULL_KEYS);
  expect(Number.isInteger(item.id)).toBe(true);
  expect(Number.isInteger(item.synth_source_id)).toBe(true);
  // Two numbers, as in the docs' example (7 and 42), so a client that mixes them up is caught.
  expect(item.synth_source_id).not.toBe(item.id);
  expect(Number.isInteger(item.source_makes_id)).toBe(true);
  expect(['mbe', 'pvd', 'sputter', 'cvd', 'ald', 'pld']).toContain(item.synth_source_type);
  for (const k of ['source_name', 'source_manufacturer', 'source_model', 'user_id', 'user_name']) {
    expect(typeof item[k], k).toBe('string');
  }
  expect(Object.keys(item.source_metadata).sort()).toEqual(['inputs', 'manufacture_year', 'serial_identifier']);
  expect(item.last_updated).toMatch(ISO_Z);
  expect(item.detail_note_content === null || typeof item.detail_note_content === 'string').toBe(true);
}

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startAtomscaleEmulator({ rateLimit: false });
});
afterAll(async () => {
  await emu.close();
});

describe('connection facts', () => {
  it('serves at the site root with one key per role', () => {
    expect(emu.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(emu.users).sort()).toEqual(['admin', 'member', 'outsider']);
    expect(new Set(Object.values(emu.users)).size).toBe(3);
  });
});

describe('seed document example: GET /instruments/synthesis/', () => {
  it('returns a bare array of documented objects, the example among them', async () => {
    const r = await call(emu, 'GET', '/instruments/synthesis/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Array.isArray(r.json)).toBe(true);
    expect(r.json.length).toBeGreaterThanOrEqual(20);
    for (const item of r.json) expectFullShape(item);
    // The documented example, `id` 7 and `synth_source_id` 42 included.
    expect(r.json[0]).toEqual(DOC_ITEM);
    const ids = r.json.map((i: any) => i.id);
    expect([...ids].sort((a: number, b: number) => a - b)).toEqual(ids);
  });

  it('serves the SDK form without the trailing slash identically', async () => {
    const a = await call(emu, 'GET', '/instruments/synthesis/');
    const b = await call(emu, 'GET', '/instruments/synthesis');
    expect(b.status).toBe(200);
    expect(b.json).toEqual(a.json);
  });
});

describe('authentication and organisations', () => {
  it('401 FastAPI-style without a key, with a bad key, or with a Bearer header instead', async () => {
    const missing = await call(emu, 'GET', '/instruments/synthesis', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ detail: 'Not authenticated' });
    const bad = await call(emu, 'GET', '/instruments/synthesis', { key: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ detail: 'Invalid API key' });
    const bearer = await call(emu, 'GET', '/instruments/synthesis', {
      key: null,
      headers: { authorization: `Bearer ${emu.users.member}` },
    });
    expect(bearer.status).toBe(401);
  });

  it('scopes lists and reads to the key’s organisation', async () => {
    const mine = (await call(emu, 'GET', '/instruments/synthesis')).json.map((i: any) => i.synth_source_id);
    const admins = (await call(emu, 'GET', '/instruments/synthesis', { key: emu.users.admin })).json.map((i: any) => i.synth_source_id);
    const theirs = (await call(emu, 'GET', '/instruments/synthesis', { key: emu.users.outsider })).json.map((i: any) => i.synth_source_id);
    expect(admins).toEqual(mine);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((id: number) => mine.includes(id))).toEqual([]);
    const foreign = await call(emu, 'GET', `/instruments/synthesis/${theirs[0]}`);
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual({ detail: 'Not Found' });
    const own = await call(emu, 'GET', `/instruments/synthesis/${theirs[0]}`, { key: emu.users.outsider });
    expect(own.status).toBe(200);
  });
});

describe('GET /instruments/synthesis/{id}', () => {
  it('returns the reduced object, consistent with the list entry', async () => {
    const r = await call(emu, 'GET', '/instruments/synthesis/42');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(REDUCED_KEYS);
    const { id: _id, source_manufacturer: _m, source_model: _mo, detail_note_content: _n, detail_note_last_updated: _nl, user_name: _u, ...rest } = DOC_ITEM;
    expect(r.json).toEqual(rest);
  });

  it('404 for a missing id, 422 for a non-integer one', async () => {
    const missing = await call(emu, 'GET', '/instruments/synthesis/999999');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: 'Not Found' });
    const abc = await call(emu, 'GET', '/instruments/synthesis/abc');
    expect(abc.status).toBe(422);
    expect(abc.json).toEqual({
      detail: [{ type: 'int_parsing', loc: ['path', 'synthesis_instrument_id'], msg: INT_PARSING, input: 'abc' }],
    });
  });

  it('redirects the item URL with a trailing slash (307) like Starlette', async () => {
    const r = await call(emu, 'GET', '/instruments/synthesis/42/?x=1', { redirect: 'manual' });
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe(`${emu.baseUrl}/instruments/synthesis/42?x=1`);
    const followed = await call(emu, 'GET', '/instruments/synthesis/42/');
    expect(followed.status).toBe(200);
    expect(followed.json.synth_source_id).toBe(42);
  });
});

describe('POST /instruments/synthesis', () => {
  it('creates (201) the full object, splitting name into manufacturer and model', async () => {
    const r = await call(emu, 'POST', '/instruments/synthesis', {
      body: { label: 'Bay 3 Evaporator', name: 'Kurt J. Lesker PVD 75', type: 'pvd', serial_id: 'PVD75-2201' },
    });
    expect(r.status).toBe(201);
    expectFullShape(r.json);
    expect(r.json).toMatchObject({
      source_name: 'Bay 3 Evaporator',
      source_manufacturer: 'Kurt J. Lesker',
      source_model: 'PVD 75',
      synth_source_type: 'pvd',
      source_metadata: { serial_identifier: 'PVD75-2201', manufacture_year: null, inputs: null },
      user_id: 'user_abc123',
      user_name: 'Jane Smith',
      detail_note_content: null,
    });
    // Same make as the demo's PVD 75: the make id is shared.
    const list = (await call(emu, 'GET', '/instruments/synthesis')).json;
    const demoPvd = list.find((i: any) => i.source_name === 'E-beam Evaporator');
    expect(r.json.source_makes_id).toBe(demoPvd.source_makes_id);
    // The SDK reads synth_source_id and later uses it as the id.
    const detail = await call(emu, 'GET', `/instruments/synthesis/${r.json.synth_source_id}`);
    expect(detail.json.source_name).toBe('Bay 3 Evaporator');
    expect(list.map((i: any) => i.id)).toContain(r.json.id);
  });

  it('gives a new make its own id, reused by the next tool of that make', async () => {
    const a = await call(emu, 'POST', '/instruments/synthesis/', {
      key: emu.users.admin,
      body: { label: 'Loaner MBE', name: 'Acme Epi 3000', type: 'mbe', serial_id: null },
    });
    const b = await call(emu, 'POST', '/instruments/synthesis', { body: { label: 'Loaner 2', name: 'acme  epi 3000', type: 'mbe' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.json).toMatchObject({ source_manufacturer: 'Acme', source_model: 'Epi 3000', user_id: 'user_q7m4tz' });
    expect(a.json.source_metadata.serial_identifier).toBeNull();
    expect(b.json.source_makes_id).toBe(a.json.source_makes_id);
    const list = (await call(emu, 'GET', '/instruments/synthesis')).json;
    expect(new Set(list.filter((i: any) => i.source_manufacturer !== 'Acme').map((i: any) => i.source_makes_id)).has(a.json.source_makes_id)).toBe(false);
  });

  it('422 with a FastAPI detail list for missing and invalid fields', async () => {
    const empty = await call(emu, 'POST', '/instruments/synthesis', { body: {} });
    expect(empty.status).toBe(422);
    expect(empty.json).toEqual({
      detail: ['label', 'name', 'type'].map((f) => ({ type: 'missing', loc: ['body', f], msg: 'Field required', input: {} })),
    });
    const wrong = await call(emu, 'POST', '/instruments/synthesis', {
      body: { label: 'x', name: 'Veeco GEN10', type: 'MBE', serial_id: 5 },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.json.detail).toEqual([
      {
        type: 'enum',
        loc: ['body', 'type'],
        msg: "Input should be 'mbe', 'pvd', 'sputter', 'cvd', 'ald' or 'pld'",
        input: 'MBE',
        ctx: { expected: "'mbe', 'pvd', 'sputter', 'cvd', 'ald' or 'pld'" },
      },
      { type: 'string_type', loc: ['body', 'serial_id'], msg: 'Input should be a valid string', input: 5 },
    ]);
    const blank = await call(emu, 'POST', '/instruments/synthesis', { body: { label: '  ', name: 'Veeco GEN10', type: 'mbe' } });
    expect(blank.json.detail.map((d: any) => d.type)).toEqual(['string_too_short']);
    const noBody = await call(emu, 'POST', '/instruments/synthesis');
    expect(noBody.json).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] });
    const array = await call(emu, 'POST', '/instruments/synthesis', { body: [1] });
    expect(array.json.detail[0]).toMatchObject({ type: 'model_attributes_type', loc: ['body'], input: [1] });
    const count = (await call(emu, 'GET', '/instruments/synthesis')).json.filter((i: any) => i.source_name === 'x');
    expect(count).toEqual([]);
  });

  it('malformed JSON is a 422 json_invalid (read before the key check) and the server keeps serving', async () => {
    const r = await call(emu, 'POST', '/instruments/synthesis', { key: null, rawBody: '{"label": "a",' });
    expect(r.status).toBe(422);
    expect(r.json).toEqual({
      detail: [{ type: 'json_invalid', loc: ['body', 14], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting property name enclosed in double quotes' } }],
    });
    // A well-formed but invalid body without a key is a 401: the key dependency runs before validation.
    const unauth = await call(emu, 'POST', '/instruments/synthesis', { key: null, body: {} });
    expect(unauth.status).toBe(401);
    expect((await call(emu, 'GET', '/instruments/synthesis/42')).status).toBe(200);
  });
});

describe('DELETE /instruments/synthesis?synthesis_instrument_ids=', () => {
  const create = async (label: string, key = emu.users.member) =>
    (await call(emu, 'POST', '/instruments/synthesis', { key, body: { label, name: 'Beneq TFS 200', type: 'ald' } })).json
      .synth_source_id as number;

  it('deletes by synth_source_id with a 200 and an empty body', async () => {
    const id = await create('Doomed');
    const r = await call(emu, 'DELETE', `/instruments/synthesis?synthesis_instrument_ids=${id}`);
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect((await call(emu, 'GET', `/instruments/synthesis/${id}`)).status).toBe(404);
  });

  it('takes repeated and comma-separated ids, and ignores ids that are already gone', async () => {
    const [a, b, c] = [await create('D1'), await create('D2'), await create('D3')];
    const r = await call(emu, 'DELETE', `/instruments/synthesis/?synthesis_instrument_ids=${a},${b}&synthesis_instrument_ids=${c}&synthesis_instrument_ids=${a}`);
    expect(r.status).toBe(200);
    const left = (await call(emu, 'GET', '/instruments/synthesis')).json.map((i: any) => i.synth_source_id);
    for (const id of [a, b, c]) expect(left).not.toContain(id);
    const again = await call(emu, 'DELETE', `/instruments/synthesis?synthesis_instrument_ids=${a}`);
    expect(again.status).toBe(200);
  });

  it('cannot delete another organisation’s instrument', async () => {
    const id = await create('Mine only');
    const r = await call(emu, 'DELETE', `/instruments/synthesis?synthesis_instrument_ids=${id}`, { key: emu.users.outsider });
    expect(r.status).toBe(200);
    expect((await call(emu, 'GET', `/instruments/synthesis/${id}`)).status).toBe(200);
  });

  it('422 when the parameter is missing or not an integer', async () => {
    const missing = await call(emu, 'DELETE', '/instruments/synthesis');
    expect(missing.status).toBe(422);
    expect(missing.json).toEqual({
      detail: [{ type: 'missing', loc: ['query', 'synthesis_instrument_ids'], msg: 'Field required', input: null }],
    });
    const bad = await call(emu, 'DELETE', '/instruments/synthesis?synthesis_instrument_ids=42&synthesis_instrument_ids=x');
    expect(bad.status).toBe(422);
    expect(bad.json.detail).toEqual([{ type: 'int_parsing', loc: ['query', 'synthesis_instrument_ids', 1], msg: INT_PARSING, input: 'x' }]);
    expect((await call(emu, 'GET', '/instruments/synthesis/42')).status).toBe(200);
  });
});

describe('framework behaviour', () => {
  it('PUT and PATCH are 405 with an Allow header; unknown paths are 404', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const r = await call(emu, method, '/instruments/synthesis/42', { body: { label: 'x' } });
      expect(r.status).toBe(405);
      expect(r.json).toEqual({ detail: 'Method Not Allowed' });
      expect(r.headers.get('allow')).toBe('GET, HEAD');
    }
    const unknown = await call(emu, 'GET', '/instruments/characterization');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ detail: 'Not Found' });
  });
});

describe('separate instances', () => {
  const started: RunningEmulator[] = [];
  const start = async (options: EmulatorOptions) => {
    const e = await startAtomscaleEmulator(options);
    started.push(e);
    return e;
  };
  afterAll(async () => {
    await Promise.all(started.map((e) => e.close()));
  });

  it('a body over bodyLimit is 413 and nothing is created', async () => {
    const small = await start({ bodyLimit: 1024, rateLimit: false });
    const before = (await call(small, 'GET', '/instruments/synthesis')).json.length;
    const r = await call(small, 'POST', '/instruments/synthesis', {
      body: { label: 'Big', name: 'Veeco GEN10', type: 'mbe', serial_id: 'x'.repeat(4000) },
    });
    expect(r.status).toBe(413);
    expect((await call(small, 'GET', '/instruments/synthesis')).json.length).toBe(before);
  });

  it('rate-limits per key by default (10/second) with 429, Retry-After and a FastAPI detail', async () => {
    const e = await start({});
    const replies = await Promise.all(Array.from({ length: 40 }, () => call(e, 'GET', '/instruments/synthesis/42')));
    const refused = replies.filter((r) => r.status === 429);
    // Even if the burst straddles three one-second windows, at most 30 of the 40 pass.
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(refused[0]!.json).toEqual({ detail: 'Rate limit exceeded' });
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another key has its own budget.
    expect((await call(e, 'GET', '/instruments/synthesis/50', { key: e.users.outsider })).status).toBe(200);
  });

  it('options.rateLimit overrides the default, rateLimitScale scales it, false disables it', async () => {
    const perMinute = await start({ rateLimit: { perMinute: 3 } });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await call(perMinute, 'GET', '/instruments/synthesis/42')).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    for (const options of [{ rateLimitScale: 100 }, { rateLimit: false as const }]) {
      const e = await start(options);
      const all = await Promise.all(Array.from({ length: 30 }, () => call(e, 'GET', '/instruments/synthesis/42')));
      expect(all.every((r) => r.status === 200)).toBe(true);
    }
  });

  it('an injected 429 storm also sends Retry-After', async () => {
    const e = await start({ rateLimit: false });
    e.faults.storm429(60_000);
    const r = await call(e, 'GET', '/instruments/synthesis');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.json).toEqual({ detail: 'Rate limit exceeded' });
  });

  it('reset-after-commit: the client sees a socket error but the instrument exists', async () => {
    const e = await start({ rateLimit: false });
    e.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    await expect(
      call(e, 'POST', '/instruments/synthesis', { body: { label: 'Lost reply', name: 'Veeco GEN10', type: 'mbe' } }),
    ).rejects.toThrow();
    const list = (await call(e, 'GET', '/instruments/synthesis')).json;
    expect(list.filter((i: any) => i.source_name === 'Lost reply')).toHaveLength(1);
  });

  it('statePath: creates and deletes survive a restart, and ids are never reused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomscale-state-'));
    try {
      const statePath = join(dir, 'atomscale.json');
      const a = await startAtomscaleEmulator({ statePath, rateLimit: false });
      const created = (await call(a, 'POST', '/instruments/synthesis', { body: { label: 'Kept', name: 'AJA Orion 8', type: 'sputter' } })).json;
      await call(a, 'DELETE', '/instruments/synthesis?synthesis_instrument_ids=42');
      await a.close();
      const b = await startAtomscaleEmulator({ statePath, rateLimit: false });
      try {
        const kept = await call(b, 'GET', `/instruments/synthesis/${created.synth_source_id}`);
        expect(kept.json).toMatchObject({ source_name: 'Kept', source_makes_id: created.source_makes_id });
        expect((await call(b, 'GET', '/instruments/synthesis/42')).status).toBe(404);
        const next = (await call(b, 'POST', '/instruments/synthesis', { body: { label: 'Next', name: 'AJA Orion 8', type: 'sputter' } })).json;
        expect(next.id).toBeGreaterThan(created.id);
        expect(next.source_makes_id).toBe(created.source_makes_id);
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records=N adds N instruments, identical for the same seed', async () => {
    const [a, b, c] = await Promise.all([
      start({ records: 200, seed: 5, rateLimit: false }),
      start({ records: 200, seed: 5, rateLimit: false }),
      start({ records: 200, seed: 6, rateLimit: false }),
    ]);
    const fresh = await start({ rateLimit: false });
    const demoA = (await call(fresh, 'GET', '/instruments/synthesis')).json.length;
    const base = (await call(fresh, 'GET', '/instruments/synthesis', { key: fresh.users.outsider })).json.length;
    const [la, lb, lc] = await Promise.all([a, b, c].map((e) => call(e, 'GET', '/instruments/synthesis').then((r) => r.json)));
    expect(la.length).toBe(demoA + 200);
    expect(lb).toEqual(la);
    expect(lc).not.toEqual(la);
    for (const item of la.slice(-3)) expectFullShape(item);
    // Generated tools all belong to org A: org B's list is unchanged.
    expect((await call(a, 'GET', '/instruments/synthesis', { key: a.users.outsider })).json.length).toBe(base);
  });
});
