import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../common/emulator-server';
import { startAtomscaleEmulator } from './atomscale-emulator';
import { type Reply, readReply } from '../common/reply';

/**
 * Published mode (`asPublished: true`): the emulator behaves as the FastAPI service and the SDK
 * (atomscale-ai/sdk) indicate, over real HTTP. docs/remotes/atomscale.md lists the differences;
 * the documented mode is covered by atomscale.conformance.test.ts.
 */

async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  o: { key?: string | null; body?: unknown; redirect?: RequestRedirect } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const key = o.key === undefined ? emu.users.member : o.key;
  if (key !== null && key !== undefined) headers['x-api-key'] = key;
  let body: string | undefined;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  return readReply(await fetch(`${emu.baseUrl}${path}`, { method, headers, body, redirect: o.redirect ?? 'follow' }));
}

let emu: RunningEmulator;
let documented: RunningEmulator;
beforeAll(async () => {
  emu = await startAtomscaleEmulator({ asPublished: true, rateLimit: false });
  documented = await startAtomscaleEmulator({ rateLimit: false });
});
afterAll(async () => {
  await Promise.all([emu.close(), documented.close()]);
});

describe('Atomscale: id and synth_source_id differ (both modes)', () => {
  it('the seed example keeps id 7 and synth_source_id 42, in both modes', async () => {
    for (const e of [emu, documented]) {
      const [first] = (await call(e, 'GET', '/instruments/synthesis/')).json;
      expect(first).toMatchObject({ id: 7, synth_source_id: 42, source_name: 'MBE Chamber A' });
    }
  });

  it('the item route and the delete take synth_source_id; the list id is a 404 there', async () => {
    for (const e of [emu, documented]) {
      expect((await call(e, 'GET', '/instruments/synthesis/42')).json).toMatchObject({ synth_source_id: 42 });
      expect((await call(e, 'GET', '/instruments/synthesis/7')).status).toBe(404);
    }
    const created = (await call(emu, 'POST', '/instruments/synthesis/', { body: { label: 'Mixed', name: 'Veeco GEN10', type: 'mbe' } })).json;
    expect(created.id).not.toBe(created.synth_source_id);
    // Deleting by the list id is refused and deletes nothing.
    expect((await call(emu, 'DELETE', `/instruments/synthesis/?synthesis_instrument_ids=${created.id}`)).status).toBe(400);
    expect((await call(emu, 'GET', `/instruments/synthesis/${created.synth_source_id}`)).status).toBe(200);
    expect((await call(emu, 'DELETE', `/instruments/synthesis/?synthesis_instrument_ids=${created.synth_source_id}`)).status).toBe(200);
  });
});

describe('Atomscale published mode: auth', () => {
  it('a missing or bad X-API-KEY is 403 {"detail": "Not authenticated"} (FastAPI APIKeyHeader), not 401', async () => {
    for (const key of [null, 'nope']) {
      const r = await call(emu, 'GET', '/instruments/synthesis/', { key });
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ detail: 'Not authenticated' });
    }
    expect((await call(documented, 'GET', '/instruments/synthesis/', { key: null })).status).toBe(401);
  });
});

describe('Atomscale published mode: trailing slashes', () => {
  it('the collection is served with the slash; the slashless form is a 307 to it, for every method', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const r = await call(emu, method, '/instruments/synthesis?synthesis_instrument_ids=1', { redirect: 'manual' });
      expect(r.status, method).toBe(307);
      expect(r.headers.get('location')).toBe(`${emu.baseUrl}/instruments/synthesis/?synthesis_instrument_ids=1`);
    }
    // The redirect comes before the key check.
    expect((await call(emu, 'GET', '/instruments/synthesis', { key: null, redirect: 'manual' })).status).toBe(307);
    // The documented mode answers both forms directly.
    expect((await call(documented, 'GET', '/instruments/synthesis', { redirect: 'manual' })).status).toBe(200);
  });

  it('a client that follows the 307 (as requests does) gets there, a POST included', async () => {
    const list = await call(emu, 'GET', '/instruments/synthesis');
    expect(list.status).toBe(200);
    const created = await call(emu, 'POST', '/instruments/synthesis', { body: { label: 'Via redirect', name: 'Veeco GEN10', type: 'mbe' } });
    expect(created.status).toBe(201);
    expect(created.json.source_name).toBe('Via redirect');
  });

  it('the item URL with a slash is a 307 to the one without', async () => {
    const r = await call(emu, 'GET', '/instruments/synthesis/42/', { redirect: 'manual' });
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe(`${emu.baseUrl}/instruments/synthesis/42`);
  });
});

describe('Atomscale published mode: delete and unknown routes', () => {
  it('deleting a missing (or another organisation’s) instrument is a 4xx other than 404; nothing is deleted', async () => {
    const missing = await call(emu, 'DELETE', '/instruments/synthesis/?synthesis_instrument_ids=999998');
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ detail: 'Synthesis instrument not found or not accessible' });
    // One bad id among good ones: the whole request is refused.
    const mine = (await call(emu, 'POST', '/instruments/synthesis/', { body: { label: 'Keep me', name: 'Veeco GEN10', type: 'mbe' } })).json;
    const mixed = await call(emu, 'DELETE', `/instruments/synthesis/?synthesis_instrument_ids=${mine.synth_source_id},999998`);
    expect(mixed.status).toBe(400);
    expect((await call(emu, 'GET', `/instruments/synthesis/${mine.synth_source_id}`)).status).toBe(200);
    const foreign = await call(emu, 'DELETE', `/instruments/synthesis/?synthesis_instrument_ids=${mine.synth_source_id}`, { key: emu.users.outsider });
    expect(foreign.status).toBe(400);
    // A second delete of the same id (a retry after a lost reply) is refused as well.
    expect((await call(emu, 'DELETE', `/instruments/synthesis/?synthesis_instrument_ids=${mine.synth_source_id}`)).status).toBe(200);
    expect((await call(emu, 'DELETE', `/instruments/synthesis/?synthesis_instrument_ids=${mine.synth_source_id}`)).status).toBe(400);
    // The documented mode skips missing ids with a 200.
    expect((await call(documented, 'DELETE', '/instruments/synthesis?synthesis_instrument_ids=999998')).status).toBe(200);
  });

  it('an unknown route is FastAPI’s 404 {"detail": "Not Found"}', async () => {
    for (const path of ['/instruments/characterization/', '/nope', '/instruments/synthesis/42/notes']) {
      const r = await call(emu, 'GET', path);
      expect(r.status, path).toBe(404);
      expect(r.json).toEqual({ detail: 'Not Found' });
    }
  });

  it('the sandbox description names the mode', () => {
    expect(emu.extra.mode).toBe('published');
    expect(documented.extra.mode).toBeUndefined();
  });
});
