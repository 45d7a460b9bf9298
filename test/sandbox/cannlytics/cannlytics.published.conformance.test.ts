import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../common/emulator-server';
import { startCannlyticsEmulator } from './cannlytics-emulator';
import { type Reply, readReply } from '../common/reply';

/**
 * Published mode (`asPublished: true`): the emulator behaves as the docs-era server code
 * (cannlytics/cannlytics at 2e228b53) does, over real HTTP. docs/remotes/cannlytics.md lists
 * the differences; the documented mode is covered by cannlytics.conformance.test.ts.
 */

async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  o: { key?: string | null; org?: string | null; query?: string; body?: unknown; rawBody?: string } = {},
): Promise<Reply> {
  const params = new URLSearchParams(o.query ?? '');
  const org = o.org === undefined ? 'test-company' : o.org;
  if (org !== null) params.set('organization_id', org);
  const headers: Record<string, string> = {};
  const key = o.key === undefined ? emu.users.owner : o.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const body = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const qs = params.toString();
  return readReply(await fetch(`${emu.baseUrl}${path}${qs ? `?${qs}` : ''}`, { method, headers, body }));
}

const isDjango500 = (r: Reply) =>
  r.status === 500 && (r.headers.get('content-type') ?? '').startsWith('text/html') && r.text.includes('Server Error (500)');

let emu: RunningEmulator;
let documented: RunningEmulator;
beforeAll(async () => {
  emu = await startCannlyticsEmulator({ asPublished: true });
  documented = await startCannlyticsEmulator();
});
afterAll(async () => {
  await Promise.all([emu.close(), documented.close()]);
});

describe('Cannlytics published mode: list parameters', () => {
  it('any GET of the collection with a non-empty limit is a Django 500 (the text reaches Firestore limit())', async () => {
    for (const limit of ['10', '1000', '0', 'abc']) {
      expect(isDjango500(await call(emu, 'GET', '/instruments', { query: `limit=${limit}` }))).toBe(true);
    }
    // The documented mode honours the same request.
    const ok = await call(documented, 'GET', '/instruments', { query: 'limit=10' });
    expect(ok.status).toBe(200);
    expect(ok.json.data).toHaveLength(10);
  });

  it('an empty limit is falsy: no limit at all, 200', async () => {
    const r = await call(emu, 'GET', '/instruments', { query: 'limit=' });
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
    expect(r.json.data.length).toBeGreaterThan(0);
  });

  it('limit is not read for a single document or for items=', async () => {
    expect((await call(emu, 'GET', '/instruments/HPLC-01', { query: 'limit=5' })).status).toBe(200);
    expect((await call(emu, 'GET', '/instruments', { query: 'items=X&limit=5' })).status).toBe(200);
  });

  it('GET without limit answers 200 with the documented envelope', async () => {
    const r = await call(emu, 'GET', '/instruments');
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
    expect(r.json.data.map((d: any) => d.id)).toContain('HPLC-01');
  });

  it('desc sorts descending whatever its value, desc=false included', async () => {
    const names = async (query: string) =>
      (await call(emu, 'GET', '/instruments', { query })).json.data.map((d: any) => d.instrument_id) as string[];
    const ascending = await names('order_by=instrument_id');
    const descending = [...ascending].reverse();
    expect(await names('order_by=instrument_id&desc=true')).toEqual(descending);
    expect(await names('order_by=instrument_id&desc=false')).toEqual(descending);
    expect(await names('order_by=instrument_id&desc=0')).toEqual(descending);
    // An empty value is falsy; and without order_by, desc changes nothing.
    expect(await names('order_by=instrument_id&desc=')).toEqual(ascending);
    expect(await names('desc=true')).toEqual(await names(''));
    // The documented mode reads desc=false as ascending.
    const doc = await call(documented, 'GET', '/instruments', { query: 'order_by=instrument_id&desc=false' });
    expect(doc.json.data.map((d: any) => d.instrument_id)).toEqual(ascending);
  });

  it('items= is iterated character by character', async () => {
    const r = await call(emu, 'GET', '/instruments', { query: 'items=HPLC-01,GCMS-01' });
    expect(r.status).toBe(200);
    // 'H', 'P', 'L', 'C', '-', '0', '1', ',', 'G', ... : 15 one-character ids, none of them stored.
    expect(r.json.data).toHaveLength('HPLC-01,GCMS-01'.length);
    expect(r.json.data.every((d: any) => Object.keys(d).length === 0)).toBe(true);
    // A one-character id that exists is found at its position.
    await call(emu, 'POST', '/instruments', { body: { instrument_id: 'Q', name: 'Single letter' } });
    const q = await call(emu, 'GET', '/instruments', { query: 'items=QZ' });
    expect(q.json.data).toEqual([expect.objectContaining({ id: 'Q', name: 'Single letter' }), {}]);
    // The documented mode splits on commas.
    const doc = await call(documented, 'GET', '/instruments', { query: 'items=HPLC-01,GCMS-01' });
    expect(doc.json.data.map((d: any) => d.id)).toEqual(['HPLC-01', 'GCMS-01']);
  });
});

describe('Cannlytics published mode: the 2021 role check', () => {
  it('team and QA keys get 403 on every call; the message uses the 2021 envelope', async () => {
    for (const key of [emu.users.member!, emu.users.qa!]) {
      for (const [method, body] of [
        ['GET', undefined],
        ['POST', { instrument_id: 'T-1', name: 'x' }],
        ['DELETE', { instrument_id: 'HPLC-01' }],
      ] as const) {
        const r = await call(emu, method, '/instruments', { key, body });
        expect(r.status).toBe(403);
        expect(r.json).toEqual({
          error: true,
          message: 'Your must be an owner, quality assurance, or a team member of this organization for this operation.',
        });
      }
    }
    // The documented mode lets the team member read.
    expect((await call(documented, 'GET', '/instruments', { key: documented.users.member })).status).toBe(200);
  });

  it('the owner check is a substring test on the owner claim', async () => {
    // "test" is inside "test-company": authorized, and it reads the (empty) organisation "test".
    const r = await call(emu, 'GET', '/instruments', { org: 'test' });
    expect(r.status).toBe(200);
    expect(r.json.data).toEqual([]);
    expect((await call(documented, 'GET', '/instruments', { org: 'test' })).status).toBe(403);
  });

  it('a bad key is 401 and a missing organization_id 403, in the 2021 envelope', async () => {
    const bad = await call(emu, 'GET', '/instruments', { key: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({
      error: true,
      message: 'Your request was not authenticated. Ensure that you have a valid session or API key.',
    });
    const noOrg = await call(emu, 'GET', '/instruments', { org: null });
    expect(noOrg.status).toBe(403);
    expect(noOrg.json).toEqual({ error: true, message: 'An organization_id parameter is required.' });
  });
});

describe('Cannlytics published mode: writes', () => {
  it('the seed create and update work for the owner and echo what was posted', async () => {
    const r = await call(emu, 'POST', '/instruments', { body: { instrument_id: 'TEST', name: 'Romulus', vendor: 'Nomad' } });
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
    expect(r.json.data).toMatchObject({ instrument_id: 'TEST', name: 'Romulus', vendor: 'Nomad' });
    const read = await call(emu, 'GET', '/instruments/TEST');
    expect(read.json.data).toMatchObject({ id: 'TEST', name: 'Romulus' });
  });

  it('keeps an unknown key holding a list of objects (as BenchSync keeps maintenance_schedules); a merge replaces a list whole', async () => {
    // docs/calibration.md: Firestore's set(merge=True) merges maps key by key but replaces arrays.
    const two = [
      { name: 'calibration', interval_days: 365, warning_days: 30 },
      { name: 'maintenance', interval_days: 90, warning_days: 7 },
    ];
    await call(emu, 'POST', '/instruments', { body: [{ instrument_id: 'SCHED', name: 'HPLC', maintenance_schedules: two }] });
    await call(emu, 'POST', '/instruments', { body: [{ instrument_id: 'SCHED', calibrated_at: '2024-06-01' }] });
    let r = await call(emu, 'GET', '/instruments/SCHED');
    expect(r.json.data).toMatchObject({ name: 'HPLC', calibrated_at: '2024-06-01', maintenance_schedules: two });
    await call(emu, 'POST', '/instruments', { body: [{ instrument_id: 'SCHED', maintenance_schedules: [two[1]] }] });
    r = await call(emu, 'GET', '/instruments');
    expect(r.json.data.find((d: { id: string }) => d.id === 'SCHED')).toMatchObject({ name: 'HPLC', maintenance_schedules: [two[1]] });
    await call(emu, 'DELETE', '/instruments', { body: [{ instrument_id: 'SCHED' }] });
  });

  it('a body that is neither object nor list is 400 "Data not recognized" (2021 text)', async () => {
    const r = await call(emu, 'POST', '/instruments', { body: 'just text' });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      error: true,
      message: 'Data not recognized. Please post either a singular object or an array of objects.',
    });
  });

  it('an empty list, a missing instrument_id and an empty body are 500', async () => {
    expect(isDjango500(await call(emu, 'POST', '/instruments', { body: [] }))).toBe(true);
    expect(isDjango500(await call(emu, 'POST', '/instruments', { body: { name: 'no key' } }))).toBe(true);
    expect(isDjango500(await call(emu, 'POST', '/instruments', { rawBody: '' }))).toBe(true);
  });

  it('a numeric instrument_id is written and then answered 500', async () => {
    expect(isDjango500(await call(emu, 'POST', '/instruments', { body: { instrument_id: 77, name: 'numeric' } }))).toBe(true);
    expect((await call(emu, 'GET', '/instruments/77')).json.data).toMatchObject({ id: '77', name: 'numeric' });
  });

  it('a list is written item by item: the items before a bad one stay written', async () => {
    const r = await call(emu, 'POST', '/instruments', { body: [{ instrument_id: 'BULK-1', name: 'first' }, { name: 'no key' }] });
    expect(isDjango500(r)).toBe(true);
    expect((await call(emu, 'GET', '/instruments/BULK-1')).json.data).toMatchObject({ name: 'first' });
  });

  it('DELETE: the owner deletes; a body without instrument_id is 500; another body shape is a silent success', async () => {
    await call(emu, 'POST', '/instruments', { body: { instrument_id: 'GONE', name: 'to delete' } });
    const r = await call(emu, 'DELETE', '/instruments', { body: { instrument_id: 'GONE' } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true, data: [] });
    expect((await call(emu, 'GET', '/instruments/GONE')).json.data).toEqual({});
    expect(isDjango500(await call(emu, 'DELETE', '/instruments', { body: { area_id: 'GONE' } }))).toBe(true);
    expect(isDjango500(await call(emu, 'DELETE', '/instruments/HPLC-02'))).toBe(true); // no body
    const silent = await call(emu, 'DELETE', '/instruments', { body: 'HPLC-02' });
    expect(silent.status).toBe(200);
    expect((await call(emu, 'GET', '/instruments/HPLC-02')).json.data).toMatchObject({ id: 'HPLC-02' });
  });

  it('the sandbox description names the mode', () => {
    expect(emu.extra.mode).toBe('published');
    expect(documented.extra.mode).toBeUndefined();
  });
});
