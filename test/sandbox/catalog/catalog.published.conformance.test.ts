import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../common/emulator-server';
import { startCatalogEmulator } from './catalog-emulator';
import { type Reply, readReply } from '../common/reply';

/**
 * Published mode (`asPublished: true`): the emulator behaves as noahbrenner/instrument-catalog-py
 * (`instrument_catalog/api.py`, `validation.py`) does, over real HTTP. docs/remotes/catalog.md
 * lists the differences; the documented mode is covered by catalog.conformance.test.ts.
 */

async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  o: { key?: string | null; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const key = o.key === undefined ? emu.users.member : o.key;
  if (key !== null && key !== undefined) headers.authorization = `Bearer ${key}`;
  const body = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  return readReply(await fetch(`${emu.baseUrl}${path}`, { method, headers, body }));
}

const isFlask500 = (r: Reply) =>
  r.status === 500 && (r.headers.get('content-type') ?? '').startsWith('text/html') && r.text.includes('Internal Server Error');

/** A POST body that passes every check the documented API makes. */
const VALID = { name: 'Oboe', description: 'A double reed.', category_id: 2 };

let emu: RunningEmulator;
let documented: RunningEmulator;
beforeAll(async () => {
  emu = await startCatalogEmulator({ asPublished: true, rateLimit: false });
  documented = await startCatalogEmulator({ rateLimit: false });
});
afterAll(async () => {
  await Promise.all([emu.close(), documented.close()]);
});

const count = async (e: RunningEmulator) => (await call(e, 'GET', '/instruments/')).json.data.length as number;

describe('Catalog published mode: POST /instruments/', () => {
  it('image: null becomes the text "None" and gets 400 "Image URL: URL must start with…"', async () => {
    const r = await call(emu, 'POST', '/instruments/', { body: { ...VALID, image: null } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      successful: false,
      errors: ['Image URL: URL must start with "http" or "https"'],
      data: { category_id: 2, description: 'A double reed.', image: 'None', name: 'Oboe' },
    });
    expect((await call(documented, 'POST', '/instruments/', { body: { ...VALID, image: null } })).status).toBe(201);
  });

  it('a missing image key is a 500; so is a missing category_id', async () => {
    const before = await count(emu);
    expect(isFlask500(await call(emu, 'POST', '/instruments/', { body: VALID }))).toBe(true);
    const { category_id: _omitted, ...noCategory } = VALID;
    expect(isFlask500(await call(emu, 'POST', '/instruments/', { body: { ...noCategory, image: '' } }))).toBe(true);
    expect(await count(emu)).toBe(before);
    expect((await call(documented, 'POST', '/instruments/', { body: VALID })).status).toBe(201);
  });

  it('empty alternate_names is a 500 (the handler pops a key validation never set)', async () => {
    for (const alternate_names of [[], [''], [null, 0]]) {
      expect(isFlask500(await call(emu, 'POST', '/instruments/', { body: { ...VALID, image: '', alternate_names } }))).toBe(true);
    }
  });

  it('non-empty alternate_names is a 500 too (existing_instrument.id on None): POST never creates', async () => {
    const before = await count(emu);
    const r = await call(emu, 'POST', '/instruments/', { body: { ...VALID, image: '', alternate_names: ['Hautbois'] } });
    expect(isFlask500(r)).toBe(true);
    expect(await count(emu)).toBe(before);
    const doc = await call(documented, 'POST', '/instruments/', { body: { ...VALID, image: null, alternate_names: ['Hautbois'] } });
    expect(doc.status).toBe(201);
  });

  it('an empty image string means "no image" and is not checked; other errors still give a 400', async () => {
    const r = await call(emu, 'POST', '/instruments/', { body: { ...VALID, category_id: 999, image: '' } });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual(['An invalid category ID was provided.']);
    expect(r.json.data).toEqual({ category_id: 999, description: 'A double reed.', image: '', name: 'Oboe' });
  });

  it('unknown keys are ignored (no "forbidden parameters" error)', async () => {
    const r = await call(emu, 'POST', '/instruments/', { body: { ...VALID, category_id: 999, image: '', id: 5, colour: 'black' } });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual(['An invalid category ID was provided.']);
  });

  it('a string over its column length is a 500 (the message formats an undefined name)', async () => {
    expect(isFlask500(await call(emu, 'POST', '/instruments/', { body: { ...VALID, image: '', name: 'x'.repeat(129) } }))).toBe(true);
  });

  it('a body not sent as JSON is a 500; malformed JSON is Flask’s HTML 400', async () => {
    expect(isFlask500(await call(emu, 'POST', '/instruments/', { rawBody: 'name=Oboe', contentType: 'text/plain' }))).toBe(true);
    expect(isFlask500(await call(emu, 'POST', '/instruments/', { body: [VALID] }))).toBe(true);
    const bad = await call(emu, 'POST', '/instruments/', { rawBody: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Bad Request');
  });
});

describe('Catalog published mode: PUT /instruments/<id>/', () => {
  it('crashes with 500 on every PUT that reaches the handler, the seed example included, and changes nothing', async () => {
    const before = (await call(emu, 'GET', '/instruments/1/')).json.data;
    const owner = emu.users.other;
    for (const body of [
      { category_id: 2 }, // the seed document's example
      { category_id: 2, image: '' }, // valid: crashes unpacking instrument_data.keys()
      { name: 'Concert Harp 2', description: 'x', category_id: 1, image: '' },
      {},
      { alternate_names: ['Grand Harp'], category_id: 1, image: '' },
    ]) {
      expect(isFlask500(await call(emu, 'PUT', '/instruments/1/', { key: owner, body })), JSON.stringify(body)).toBe(true);
    }
    expect((await call(emu, 'GET', '/instruments/1/')).json.data).toEqual(before);
    expect((await call(documented, 'PUT', '/instruments/1/', { key: documented.users.other, body: { category_id: 2 } })).status).toBe(200);
  });

  it('only an invalid body carrying both category_id and image gets its 400 (data plus id)', async () => {
    const r = await call(emu, 'PUT', '/instruments/1/', { key: emu.users.other, body: { category_id: 'abc', image: '' } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      successful: false,
      errors: ['An invalid category ID was provided.'],
      data: { category_id: 'abc', id: 1, image: '' },
    });
  });

  it('a missing instrument is still 404 and a non-owner still 403', async () => {
    expect((await call(emu, 'PUT', '/instruments/9999/', { key: emu.users.other, body: { category_id: 2 } })).status).toBe(404);
    expect((await call(emu, 'PUT', '/instruments/1/', { key: emu.users.member, body: { category_id: 2 } })).status).toBe(403);
  });
});

describe('Catalog published mode: auth, categories, reads', () => {
  it('a bad key is 403, as documented: the limiter’s key function does not run first (Flask-Limiter 1.0.1)', async () => {
    for (const key of [null, 'not-a-key', `${emu.users.member}x`]) {
      const r = await call(emu, 'GET', '/instruments/', { key });
      expect(r.status).toBe(403);
      expect(r.json.successful).toBe(false);
      expect(r.json.errors[0]).toMatch(/^You must authenticate using the `Authorization: Bearer` header/);
    }
  });

  it('a missing category is a 500 (None.serialize()), not a 404', async () => {
    expect(isFlask500(await call(emu, 'GET', '/categories/999/'))).toBe(true);
    expect(isFlask500(await call(emu, 'GET', '/categories/999/instruments/'))).toBe(true);
    expect((await call(documented, 'GET', '/categories/999/')).status).toBe(404);
  });

  it('reads and DELETE behave as documented', async () => {
    const one = await call(emu, 'GET', '/instruments/1/');
    expect(one.json.data).toMatchObject({ id: 1, name: 'Pedal Harp' });
    expect((await call(emu, 'GET', '/categories/1/')).json.data.name).toBe('Strings');
    expect((await call(emu, 'DELETE', '/instruments/5/', { key: emu.users.member })).status).toBe(403);
    const gone = await call(emu, 'DELETE', '/instruments/5/', { key: emu.users.other });
    expect(gone.json).toEqual({ successful: true, errors: [], data: { deleted_instrument_id: 5 } });
    expect((await call(emu, 'DELETE', '/instruments/5/', { key: emu.users.other })).status).toBe(200);
  });

  it('the sandbox description names the mode', () => {
    expect(emu.extra.mode).toBe('published');
    expect(documented.extra.mode).toBeUndefined();
  });
});
