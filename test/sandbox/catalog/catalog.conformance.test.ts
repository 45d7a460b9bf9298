import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../common/emulator-server';
import { initialCatalogState } from './catalog-demo-data';
import { startCatalogEmulator } from './catalog-emulator';

/**
 * Conformance of the Instrument Catalog emulator with the published API doc
 * (seeds/004_7be3758cfbe22d24.txt) and docs/remotes/catalog.md, over real HTTP on 127.0.0.1.
 */

type Role = 'member' | 'other';

interface Res {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

interface CallOptions {
  /** Whose key to send; null sends none. Default member. */
  as?: Role | null;
  /** Raw Authorization header value. */
  authorization?: string;
  json?: unknown;
  body?: string | Uint8Array<ArrayBuffer>;
  contentType?: string;
  redirect?: RequestRedirect;
}

async function call(emu: RunningEmulator, method: string, path: string, options: CallOptions = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  const role = options.as === undefined ? 'member' : options.as;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (role) headers.authorization = `Bearer ${emu.users[role]}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  if (options.contentType) headers['content-type'] = options.contentType;
  const url = path.startsWith('http') ? path : `${emu.baseUrl}${path}`;
  const response = await fetch(url, { method, headers, body, redirect: options.redirect ?? 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

const originOf = (emu: RunningEmulator) => emu.baseUrl.slice(0, -'/api'.length);

/** `{successful, errors, data}` and nothing else, with successful = no errors. */
function expectEnvelope(res: Res, status: number, errors: string[] = []): void {
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body).sort()).toEqual(['data', 'errors', 'successful']);
  expect(res.body.errors).toEqual(errors);
  expect(res.body.successful).toBe(errors.length === 0);
}

function expectInstrumentObject(value: unknown): void {
  const v = value as Record<string, unknown>;
  expect(Object.keys(v).sort()).toEqual(['alternate_names', 'category_id', 'description', 'id', 'image', 'name']);
  expect(Number.isInteger(v.id)).toBe(true);
  expect(Number.isInteger(v.category_id)).toBe(true);
  expect(typeof v.name).toBe('string');
  expect(typeof v.description).toBe('string');
  expect(v.image === null || typeof v.image === 'string').toBe(true);
  expect(Array.isArray(v.alternate_names)).toBe(true);
  for (const n of v.alternate_names as unknown[]) expect(typeof n).toBe('string');
}

function expectCategoryObject(value: unknown): void {
  const v = value as Record<string, unknown>;
  expect(Object.keys(v).sort()).toEqual(['description', 'id', 'name']);
  expect(Number.isInteger(v.id)).toBe(true);
  expect(typeof v.name).toBe('string');
  expect(typeof v.description).toBe('string');
}

const UNAUTHENTICATED = (origin: string) =>
  'You must authenticate using the `Authorization: Bearer` header in order to make API calls. ' +
  `Find your API key by visiting this URL in your browser: ${origin}/apidoc/`;
const NOT_OWNER = 'You must authenticate as the user who created this instrument in order to modify it.';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Fixed windows start at multiples of their length: start a burst right after a boundary. */
async function atWindowStart(windowMs: number, room = 1500): Promise<void> {
  const into = Date.now() % windowMs;
  if (windowMs === 1000 || into > windowMs - room) await sleep(windowMs - into + 5);
}

const started: RunningEmulator[] = [];
async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startCatalogEmulator(options);
  started.push(emu);
  return emu;
}
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
});

const valid = (extra: Record<string, unknown> = {}) => ({
  name: 'Rotary Evaporator',
  description: 'Büchi R-300',
  category_id: 10,
  ...extra,
});

describe('the seed document, request by request', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ rateLimit: false });
  });

  it('GET /categories/ lists Category Objects ordered by id, starting with the seed rows', async () => {
    const res = await call(emu, 'GET', '/categories/');
    expectEnvelope(res, 200);
    expect(Array.isArray(res.body.data)).toBe(true);
    res.body.data.forEach(expectCategoryObject);
    const ids = res.body.data.map((c: { id: number }) => c.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    expect(res.body.data.slice(0, 4).map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([
      [1, 'Strings'],
      [2, 'Winds'],
      [3, 'Percussion'],
      [4, 'Electronic'],
    ]);
    expect(res.body.data.map((c: { name: string }) => c.name)).toContain('Spectroscopy');
  });

  it('the Instrument Object example: instrument 1 is the Pedal Harp', async () => {
    const res = await call(emu, 'GET', '/instruments/1/');
    expectEnvelope(res, 200);
    expectInstrumentObject(res.body.data);
    expect(res.body.data).toMatchObject({
      id: 1,
      name: 'Pedal Harp',
      category_id: 1,
      alternate_names: ['Concert Harp', 'Orchestral Harp'],
    });
  });

  it('PUT {"category_id": 2} on /instruments/1/ (as its owner) moves it and leaves the rest', async () => {
    const before = (await call(emu, 'GET', '/instruments/1/')).body.data;
    const res = await call(emu, 'PUT', '/instruments/1/', { as: 'other', json: { category_id: 2 } });
    expectEnvelope(res, 200);
    expectInstrumentObject(res.body.data);
    expect(res.body.data).toEqual({ ...before, category_id: 2 });
    expect((await call(emu, 'GET', '/instruments/1/')).body.data.category_id).toBe(2);
  });

  it('PUT {"category_id": 2} on an instrument the member owns', async () => {
    const mine = (await call(emu, 'GET', '/myinstruments/')).body.data;
    const target = mine.find((i: { category_id: number }) => i.category_id !== 2);
    const res = await call(emu, 'PUT', `/instruments/${target.id}/`, { json: { category_id: 2 } });
    expectEnvelope(res, 200);
    expect(res.body.data).toEqual({ ...target, category_id: 2 });
  });

  it('GET /myinstruments/ returns exactly the caller’s instruments', async () => {
    const mine = await call(emu, 'GET', '/myinstruments/');
    const theirs = await call(emu, 'GET', '/myinstruments/', { as: 'other' });
    const all = await call(emu, 'GET', '/instruments/');
    for (const r of [mine, theirs, all]) {
      expectEnvelope(r, 200);
      r.body.data.forEach(expectInstrumentObject);
    }
    const ids = (r: Res) => r.body.data.map((i: { id: number }) => i.id).sort((a: number, b: number) => a - b);
    expect(ids(mine).length).toBeGreaterThanOrEqual(10);
    expect(ids(mine).filter((id: number) => ids(theirs).includes(id))).toEqual([]);
    expect([...ids(mine), ...ids(theirs)].sort((a, b) => a - b)).toEqual(ids(all));
    expect(ids(theirs)).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
  });

  it('GET /instruments/ is ordered by name', async () => {
    const names = (await call(emu, 'GET', '/instruments/')).body.data.map((i: { name: string }) => i.name);
    expect(names.length).toBeGreaterThan(30);
    expect(names).toEqual([...names].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('GET /categories/<id>/ and /categories/<id>/instruments/', async () => {
    const one = await call(emu, 'GET', '/categories/4/');
    expectEnvelope(one, 200);
    expect(one.body.data).toMatchObject({ id: 4, name: 'Electronic' });
    const inst = await call(emu, 'GET', '/categories/4/instruments/');
    expectEnvelope(inst, 200);
    expect(inst.body.data.map((i: { name: string }) => i.name)).toEqual(['Theremin']);
    const percussion = await call(emu, 'GET', '/categories/3/instruments/');
    expect(percussion.body.data.map((i: { name: string }) => i.name)).toEqual(['Tambourine']);
  });

  it('a missing category or instrument is a 404 with the documented text', async () => {
    expectEnvelope(await call(emu, 'GET', '/categories/999/'), 404, ['The requested category id does not exist.']);
    expectEnvelope(await call(emu, 'GET', '/categories/999/instruments/'), 404, [
      'The requested category id does not exist.',
    ]);
    const res = await call(emu, 'GET', '/instruments/99999/');
    expectEnvelope(res, 404, ['The requested instrument id does not exist.']);
    expect(res.body.data).toEqual({});
  });

  it('the DELETE example: data is {"deleted_instrument_id": id}', async () => {
    const created = await call(emu, 'POST', '/instruments/', { json: valid({ name: 'To Delete' }) });
    const id = created.body.data.id;
    const res = await call(emu, 'DELETE', `/instruments/${id}/`);
    expectEnvelope(res, 200);
    expect(res.body.data).toEqual({ deleted_instrument_id: id });
  });
});

describe('auth and routing', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ rateLimit: false });
  });

  it('a missing key is 403 with the exact message naming this server’s docs page', async () => {
    const res = await call(emu, 'GET', '/categories/', { as: null });
    expectEnvelope(res, 403, [UNAUTHENTICATED(originOf(emu))]);
    expect(res.body.data).toEqual({});
  });

  it('bad, forged and non-Bearer keys are 403', async () => {
    const [payload] = emu.users.member!.split('.');
    const [, otherSignature] = emu.users.other!.split('.');
    for (const authorization of [
      'Bearer nonsense',
      `Bearer ${payload}.${otherSignature}`,
      `Bearer ${emu.users.member}x`,
      `Basic ${emu.users.member}`,
      emu.users.member!,
    ]) {
      expectEnvelope(await call(emu, 'GET', '/myinstruments/', { authorization }), 403, [UNAUTHENTICATED(originOf(emu))]);
    }
  });

  it('keys are deterministic, itsdangerous-shaped and distinct per user', async () => {
    const again = await start({ rateLimit: false });
    expect(again.users).toEqual(emu.users);
    expect(Object.keys(emu.users).sort()).toEqual(['member', 'other']);
    expect(emu.users.member).toMatch(/^MQ\.[A-Za-z0-9_-]+$/); // base64url("1")
    expect(emu.users.other).toMatch(/^Mg\.[A-Za-z0-9_-]+$/); // base64url("2")
  });

  it('an unknown endpoint is 404 "Unknown API endpoint." (and needs a key first)', async () => {
    expectEnvelope(await call(emu, 'GET', '/nothing/here/'), 404, ['Unknown API endpoint.']);
    expectEnvelope(await call(emu, 'GET', '/instruments/abc/'), 404, ['Unknown API endpoint.']);
    expectEnvelope(await call(emu, 'GET', '/nothing/', { as: null }), 403, [UNAUTHENTICATED(originOf(emu))]);
  });

  it('a known route without its trailing slash redirects with 308 to the slashed URL', async () => {
    const origin = originOf(emu);
    const list = await call(emu, 'GET', '/categories?x=1', { as: null });
    expect(list.status).toBe(308);
    expect(list.headers.get('location')).toBe(`${origin}/api/categories/?x=1`);
    const post = await call(emu, 'POST', '/instruments', { json: valid() });
    expect(post.status).toBe(308);
    expect(post.headers.get('location')).toBe(`${origin}/api/instruments/`);
    const one = await call(emu, 'GET', '/instruments/3');
    expect(one.headers.get('location')).toBe(`${origin}/api/instruments/3/`);
    const followed = await call(emu, 'GET', '/categories/1', { redirect: 'follow' });
    expectEnvelope(followed, 200);
    expect(followed.body.data.name).toBe('Strings');
    expect((await call(emu, 'GET', `${origin}/api`)).headers.get('location')).toBe(`${origin}/api/`);
  });

  it('GET /api/ redirects (301) to the docs page', async () => {
    const res = await call(emu, 'GET', '/');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`${originOf(emu)}/apidoc/`);
  });

  it('a method a route does not have is 405', async () => {
    const res = await call(emu, 'DELETE', '/categories/');
    expectEnvelope(res, 405, ['The method is not allowed for the requested URL.']);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });
});

describe('POST /instruments/ and validation', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ rateLimit: false });
  });

  const post = (json: unknown, as: Role = 'member') => call(emu, 'POST', '/instruments/', { json, as });

  it('creates: 201, Location header, normalized whitespace, visible everywhere', async () => {
    const res = await post({
      name: '  Rotary \t  Evaporator\n',
      description: '  **Büchi** R-300  \n\n  with a  V-300 pump  ',
      category_id: ' 10 ',
      alternate_names: ['  Rotovap ', '', null, 0, '   ', 'Rotavapor    R-300'],
    });
    expectEnvelope(res, 201);
    expectInstrumentObject(res.body.data);
    const { id } = res.body.data;
    expect(res.headers.get('location')).toBe(`/instruments/${id}/`);
    expect(res.body.data).toEqual({
      id,
      name: 'Rotary Evaporator',
      description: '**Büchi** R-300  \n\n  with a  V-300 pump',
      category_id: 10,
      image: null,
      alternate_names: ['Rotovap', 'Rotavapor R-300'],
    });
    expect((await call(emu, 'GET', `/instruments/${id}/`)).body.data).toEqual(res.body.data);
    expect((await call(emu, 'GET', '/myinstruments/')).body.data.map((i: { id: number }) => i.id)).toContain(id);
    expect((await call(emu, 'GET', '/myinstruments/', { as: 'other' })).body.data.map((i: { id: number }) => i.id)).not.toContain(id);
    expect((await call(emu, 'GET', '/categories/10/instruments/')).body.data.map((i: { id: number }) => i.id)).toContain(id);
  });

  it('ids are autoincrement integers; image may be omitted or null', async () => {
    const a = await post(valid({ name: 'A' }));
    const b = await post(valid({ name: 'B', image: null }));
    expectEnvelope(a, 201);
    expectEnvelope(b, 201);
    expect(b.body.data.id).toBe(a.body.data.id + 1);
    expect(a.body.data.image).toBeNull();
    expect(b.body.data.image).toBeNull();
  });

  it('values are str()-ed like the real server: a numeric name and a string category id are accepted', async () => {
    const res = await post({ name: 42, description: 'x', category_id: '3' });
    expectEnvelope(res, 201);
    expect(res.body.data).toMatchObject({ name: '42', category_id: 3 });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['nothing', {}, ['Required data is missing: name, description, category_id']],
    ['blank name', { ...valid(), name: ' \n ' }, ['Required data is missing: name']],
    ['blank description and category', { name: 'X', description: '', category_id: '  ' }, ['Required data is missing: description, category_id']],
    ['name of 129', valid({ name: 'n'.repeat(129) }), ['Provided name is over the limit of 128 characters.']],
    ['description of 16385', valid({ description: 'd'.repeat(16385) }), ['Provided description is over the limit of 16384 characters.']],
    ['image of 513', valid({ image: `https://img.example.org/${'i'.repeat(485)}.png` }), ['Provided image is over the limit of 512 characters.']],
    ['alternate_names not a list', valid({ alternate_names: 'Rotovap' }), ['`alternate_names` must be an array of strings.']],
    ['alternate name of 129', valid({ alternate_names: ['a'.repeat(129)] }), [`Alternate name "${'a'.repeat(129)}" is over the limit of 128 characters.`]],
    ['alternate name = primary', valid({ alternate_names: ['Rotovap', ' Rotary  Evaporator '] }), ['Alternate names must not include the primary name.']],
    ['duplicate alternate names', valid({ alternate_names: ['Rotovap', 'Rotovap '] }), ['Alternate names must not duplicate other alternate names.']],
    ['11 alternate names', valid({ alternate_names: Array.from({ length: 11 }, (_, i) => `Alias ${i}`) }), ['You can not specify more than 10 alternate names.']],
    ['unknown category', valid({ category_id: 999 }), ['An invalid category ID was provided.']],
    ['non-numeric category', valid({ category_id: 'abc' }), ['An invalid category ID was provided.']],
    ['forbidden keys', valid({ id: 7, owner: 'me' }), ['Forbidden parameters were provided: id, owner.']],
    ['image scheme', valid({ image: 'ftp://example.org/a.png' }), ['Image URL: URL must start with "http" or "https"']],
    ['image type (non-loopback host)', valid({ image: 'https://example.org/a.svg' }), ['Image URL: The image must be a jpg, png, or gif.']],
  ];
  it.each(cases)('400 for %s, with the exact message', async (_label, json, errors) => {
    const before = (await call(emu, 'GET', '/instruments/')).body.data.length;
    const res = await post(json);
    expectEnvelope(res, 400, errors);
    expect((await call(emu, 'GET', '/instruments/')).body.data.length).toBe(before);
  });

  it('limits are inclusive: 128-char name, 10 alternate names are fine', async () => {
    const res = await post(valid({ name: 'n'.repeat(128), alternate_names: Array.from({ length: 10 }, (_, i) => `Alias ${i}`) }));
    expectEnvelope(res, 201);
  });

  it('collects every message, one per failure, and echoes the normalized input as data', async () => {
    const res = await post({ name: '  Spin   Coater ', id: 1, category_id: ' nope ', alternate_names: ['Spin  Coater'] });
    expectEnvelope(res, 400, [
      'Forbidden parameters were provided: id.',
      'Required data is missing: description',
      'Alternate names must not include the primary name.',
      'An invalid category ID was provided.',
    ]);
    expect(res.body.data).toEqual({ name: 'Spin Coater', category_id: 'nope', alternate_names: ['Spin Coater'] });
  });

  it('stores the final image URL after the emulator’s own redirect', async () => {
    const origin = originOf(emu);
    const res = await post(valid({ name: 'Imaged', image: `${origin}/img/rotovap` }));
    expectEnvelope(res, 201);
    expect(res.body.data.image).toBe(`${origin}/images/rotovap.png`);
  });

  it('keeps a direct image URL, and a non-loopback jpg/png/gif URL as sent', async () => {
    const direct = `${originOf(emu)}/images/direct.gif`;
    expect((await post(valid({ name: 'Direct', image: direct }))).body.data.image).toBe(direct);
    const remote = 'https://upload.example.org/photos/Evaporator.JPEG';
    expect((await post(valid({ name: 'Remote', image: remote }))).body.data.image).toBe(remote);
  });

  it('applies the HEAD rules to loopback image URLs', async () => {
    const origin = originOf(emu);
    expectEnvelope(await post(valid({ image: `${origin}/images/missing` })), 400, [
      'Image URL: A request for the image failed with status code 404.',
    ]);
    expectEnvelope(await post(valid({ image: `${origin}/images/readme.txt` })), 400, [
      'Image URL: The image must be a jpg, png, or gif.',
    ]);
    expectEnvelope(await post(valid({ image: `${origin}/images/large/huge.png` })), 400, [
      'Image URL: The image must be under 300 KB.',
    ]);
    expectEnvelope(await post(valid({ image: 'http://127.0.0.1:1/closed.png' })), 400, [
      'Image URL: The image server could not be reached. Double check the URL or try a different one.',
    ]);
  });
});

describe('PUT and DELETE', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ rateLimit: false });
  });

  async function create(as: Role = 'member', extra: Record<string, unknown> = {}) {
    const res = await call(emu, 'POST', '/instruments/', { as, json: valid({ alternate_names: ['Rotovap'], ...extra }) });
    expect(res.status).toBe(201);
    return res.body.data as { id: number; [k: string]: unknown };
  }
  const get = async (id: number) => (await call(emu, 'GET', `/instruments/${id}/`)).body.data;

  it('a partial PUT changes only the fields sent, normalized', async () => {
    const created = await create();
    const res = await call(emu, 'PUT', `/instruments/${created.id}/`, { json: { name: '  Rotary   Evaporator 2 ' } });
    expectEnvelope(res, 200);
    expect(res.body.data).toEqual({ ...created, name: 'Rotary Evaporator 2' });
    expect(await get(created.id)).toEqual(res.body.data);
  });

  it('PUT can clear alternate names and the image', async () => {
    const created = await create('member', { image: `${originOf(emu)}/images/a.png` });
    const res = await call(emu, 'PUT', `/instruments/${created.id}/`, { json: { alternate_names: [], image: null } });
    expectEnvelope(res, 200);
    expect(res.body.data).toMatchObject({ alternate_names: [], image: null });
  });

  it('PUT by a non-owner is 403 with the exact message and changes nothing', async () => {
    const created = await create('member');
    const res = await call(emu, 'PUT', `/instruments/${created.id}/`, { as: 'other', json: { name: 'Hijacked' } });
    expectEnvelope(res, 403, [NOT_OWNER]);
    expect(res.body.data).toEqual({});
    expect(await get(created.id)).toEqual(created);
  });

  it('PUT with one invalid field changes nothing (all or nothing); data echoes the input plus id', async () => {
    const created = await create();
    const res = await call(emu, 'PUT', `/instruments/${created.id}/`, {
      json: { name: ' New  Name ', description: 'changed', category_id: 999 },
    });
    expectEnvelope(res, 400, ['An invalid category ID was provided.']);
    expect(res.body.data).toEqual({ id: created.id, name: 'New Name', description: 'changed', category_id: 999 });
    expect(await get(created.id)).toEqual(created);
  });

  it('PUT that renames to an existing alternate name is refused', async () => {
    const created = await create();
    const res = await call(emu, 'PUT', `/instruments/${created.id}/`, { json: { name: 'Rotovap' } });
    expectEnvelope(res, 400, ['Alternate names must not include the primary name.']);
    expect(await get(created.id)).toEqual(created);
  });

  it('PUT on a missing id is 404; PUT with a forbidden key is 400', async () => {
    expectEnvelope(await call(emu, 'PUT', '/instruments/99999/', { json: { name: 'X' } }), 404, [
      'The requested instrument id does not exist.',
    ]);
    const created = await create();
    expectEnvelope(await call(emu, 'PUT', `/instruments/${created.id}/`, { json: { id: 1 } }), 400, [
      'Forbidden parameters were provided: id.',
    ]);
  });

  it('DELETE by the owner is idempotent: 200 every time, then the instrument is gone', async () => {
    const created = await create();
    for (let i = 0; i < 2; i++) {
      const res = await call(emu, 'DELETE', `/instruments/${created.id}/`);
      expectEnvelope(res, 200);
      expect(res.body.data).toEqual({ deleted_instrument_id: created.id });
    }
    expectEnvelope(await call(emu, 'GET', `/instruments/${created.id}/`), 404, ['The requested instrument id does not exist.']);
    expect((await call(emu, 'DELETE', '/instruments/424242/')).body.data).toEqual({ deleted_instrument_id: 424242 });
    // A deleted id is never handed out again.
    expect((await create()).id).toBeGreaterThan(created.id);
  });

  it('DELETE by a non-owner is 403 with {instrument_id} and keeps the instrument', async () => {
    const created = await create('other');
    const res = await call(emu, 'DELETE', `/instruments/${created.id}/`, { as: 'member' });
    expectEnvelope(res, 403, [NOT_OWNER]);
    expect(res.body.data).toEqual({ instrument_id: created.id });
    expect(await get(created.id)).toEqual(created);
  });
});

describe('malformed requests', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ rateLimit: false, bodyLimit: 4096 });
  });

  it('bad JSON is a 400 envelope and the server keeps serving', async () => {
    const res = await call(emu, 'POST', '/instruments/', { body: '{"name": ', contentType: 'application/json' });
    expectEnvelope(res, 400, [expect.stringMatching(/^Failed to decode JSON object: /) as unknown as string]);
    expect(res.body.data).toEqual({});
    expectEnvelope(await call(emu, 'GET', '/categories/'), 200);
  });

  it('a wrong content type, a missing one, or a non-object body is a 400 envelope', async () => {
    const notJson = await call(emu, 'POST', '/instruments/', { body: JSON.stringify(valid()), contentType: 'text/plain' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors[0]).toMatch(/^Failed to decode JSON object: .*application\/json/);
    const none = await call(emu, 'PUT', '/instruments/6/', { as: 'member', body: new Uint8Array([123, 125]) });
    expect(none.status).toBe(400);
    expectEnvelope(await call(emu, 'POST', '/instruments/', { json: [valid()] }), 400, ['The request body must be a JSON object.']);
    expectEnvelope(await call(emu, 'POST', '/instruments/', { json: 'text' }), 400, ['The request body must be a JSON object.']);
  });

  it('a body over the limit is a 413 envelope', async () => {
    const res = await call(emu, 'POST', '/instruments/', { json: valid({ description: 'x'.repeat(8000) }) });
    expect(res.status).toBe(413);
    expect(res.body.successful).toBe(false);
    expect(res.body.errors).toHaveLength(1);
    expectEnvelope(await call(emu, 'GET', '/myinstruments/'), 200);
  });
});

describe('rate limit: one fixed-window bucket per user, 50/minute and 2/second', () => {
  it('the 3rd request in one second is 429 with the exact text and no rate-limit headers', async () => {
    const emu = await start();
    await atWindowStart(1000);
    // Anonymous requests and the unknown-endpoint catch-all do not count.
    for (let i = 0; i < 3; i++) expect((await call(emu, 'GET', '/categories/', { as: null })).status).toBe(403);
    for (let i = 0; i < 3; i++) expect((await call(emu, 'GET', '/nope/')).status).toBe(404);
    expectEnvelope(await call(emu, 'GET', '/categories/'), 200);
    expectEnvelope(await call(emu, 'GET', '/instruments/1/'), 200); // another endpoint, same bucket
    const third = await call(emu, 'GET', '/myinstruments/');
    expectEnvelope(third, 429, ['Rate limit exceeded: 2 per 1 second']);
    expect(third.body.data).toEqual({});
    expect(third.headers.get('retry-after')).toBeNull();
    expect([...third.headers.keys()].filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    // Another user has a bucket of its own.
    expectEnvelope(await call(emu, 'GET', '/categories/', { as: 'other' }), 200);
    await sleep(1000);
    expectEnvelope(await call(emu, 'GET', '/categories/'), 200);
  });

  it('the per-minute window: with {perSecond: 100, perMinute: 5} the 6th request is refused', async () => {
    const emu = await start({ rateLimit: { perSecond: 100, perMinute: 5 } });
    await atWindowStart(60_000);
    for (let i = 0; i < 5; i++) expectEnvelope(await call(emu, 'GET', '/categories/'), 200);
    expectEnvelope(await call(emu, 'GET', '/categories/'), 429, ['Rate limit exceeded: 5 per 1 minute']);
  });

  it('rateLimitScale multiplies both limits; rateLimit: false disables them', async () => {
    const scaled = await start({ rateLimitScale: 2 });
    await atWindowStart(1000);
    for (let i = 0; i < 4; i++) expectEnvelope(await call(scaled, 'GET', '/categories/'), 200);
    expectEnvelope(await call(scaled, 'GET', '/categories/'), 429, ['Rate limit exceeded: 4 per 1 second']);

    const unlimited = await start({ rateLimit: false });
    for (let i = 0; i < 12; i++) expectEnvelope(await call(unlimited, 'GET', '/categories/'), 200);
  });
});

describe('fault injection', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ rateLimit: false });
  });
  afterEach(() => emu.faults.reset());

  it('a queued 503 answers one request with the envelope; the next is served', async () => {
    emu.faults.queue({ kind: 'status', status: 503 });
    expectEnvelope(await call(emu, 'GET', '/categories/'), 503, ['Service Unavailable']);
    expectEnvelope(await call(emu, 'GET', '/categories/'), 200);
  });

  it('reset-after-commit: the client sees a socket error but the POST happened', async () => {
    emu.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    const name = 'Committed But Unheard';
    await expect(call(emu, 'POST', '/instruments/', { json: valid({ name }) })).rejects.toThrow();
    const mine = (await call(emu, 'GET', '/myinstruments/')).body.data.map((i: { name: string }) => i.name);
    expect(mine).toContain(name);
  });

  it('a 429 storm speaks the rate-limit envelope without Retry-After', async () => {
    emu.faults.storm429(60_000);
    const res = await call(emu, 'GET', '/categories/');
    expectEnvelope(res, 429, ['Rate limit exceeded: 2 per 1 second']);
    expect(res.headers.get('retry-after')).toBeNull();
  });
});

describe('persistence and generated data', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'catalog-state-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--state: what was written survives a restart, and ids keep counting up', async () => {
    const statePath = join(dir, 'catalog.json');
    const first = await start({ rateLimit: false, statePath });
    const created = await call(first, 'POST', '/instruments/', { json: valid({ name: 'Persisted' }) });
    expect(created.status).toBe(201);
    await call(first, 'DELETE', '/instruments/6/'); // a member-owned demo row
    await first.close();

    const second = await start({ rateLimit: false, statePath });
    const again = await call(second, 'GET', `/instruments/${created.body.data.id}/`);
    expectEnvelope(again, 200);
    expect(again.body.data).toEqual(created.body.data);
    expect((await call(second, 'GET', '/instruments/6/')).status).toBe(404);
    const next = await call(second, 'POST', '/instruments/', { json: valid({ name: 'After Restart' }) });
    expect(next.body.data.id).toBe(created.body.data.id + 1);
    await second.close(); // it saves on close: before the temp folder goes away
  });

  it('records: N adds N deterministic instruments (same seed, same data)', async () => {
    const base = (await call(await start({ rateLimit: false }), 'GET', '/instruments/')).body.data.length;
    const a = await start({ rateLimit: false, records: 1000, seed: 7 });
    const b = await start({ rateLimit: false, records: 1000, seed: 7 });
    const c = await start({ rateLimit: false, records: 1000, seed: 8 });
    const [la, lb, lc] = await Promise.all([a, b, c].map(async (e) => (await call(e, 'GET', '/instruments/')).body.data));
    expect(la).toHaveLength(base + 1000);
    la.forEach(expectInstrumentObject);
    expect(lb).toEqual(la);
    expect(lc.map((i: { name: string }) => i.name)).not.toEqual(la.map((i: { name: string }) => i.name));
    const mine = (await call(a, 'GET', '/myinstruments/')).body.data.length;
    expect(mine).toBeGreaterThan(40); // about a tenth of the generated rows belong to member
  });

  it('generation is pure and fast enough for 100k records', () => {
    const t = Date.now();
    const state = initialCatalogState(100_000, 3);
    expect(Date.now() - t).toBeLessThan(5000);
    expect(state.instruments).toHaveLength(initialCatalogState().instruments.length + 100_000);
    expect(new Set(state.instruments.map((i) => i.id)).size).toBe(state.instruments.length);
    expect(state.nextInstrumentId).toBe(state.instruments.at(-1)!.id + 1);
    expect(initialCatalogState(50, 3)).toEqual(initialCatalogState(50, 3));
  });
});
