import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../common/emulator-server';
import { startCannlyticsEmulator } from './cannlytics-emulator';
import { USERS } from './users';
import { type Reply, readReply } from '../common/reply';

/**
 * Conformance of the Cannlytics emulator with the published `/api/instruments` docs
 * (seeds/000_f9268e15deea2c06.txt) and with docs/remotes/cannlytics.md, over real HTTP.
 */

interface CallOptions {
  /** API key; `null` sends no Authorization header. Default: the owner's key. */
  key?: string | null;
  /** `null` leaves `organization_id` out. */
  org?: string | null;
  query?: string;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  authorization?: string;
}

async function call(emu: RunningEmulator, method: string, path: string, o: CallOptions = {}): Promise<Reply> {
  const params = new URLSearchParams(o.query ?? '');
  const org = o.org === undefined ? 'test-company' : o.org;
  if (org !== null) params.set('organization_id', org);
  const qs = params.toString();
  const headers: Record<string, string> = {};
  const key = o.key === undefined ? emu.users.owner : o.key;
  if (o.authorization !== undefined) headers.authorization = o.authorization;
  else if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (o.rawBody !== undefined) body = o.rawBody;
  else if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  return readReply(await fetch(`${emu.baseUrl}${path}${qs ? `?${qs}` : ''}`, { method, headers, body }));
}

const NAIVE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const UNAUTHENTICATED = {
  success: false,
  data: null,
  message: 'Your request was not authenticated. Ensure that you have a valid session or API key.',
};

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startCannlyticsEmulator({ seed: 7 });
});
afterAll(async () => {
  await emu.close();
});

describe('connection facts', () => {
  it('exposes the documented base URL shape, the organisation and one key per role', () => {
    expect(emu.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(emu.extra).toEqual({ organizationId: 'test-company' });
    expect(Object.keys(emu.users).sort()).toEqual(['member', 'outsider', 'owner', 'qa']);
    expect(new Set(Object.values(emu.users)).size).toBe(4);
  });
});

describe('seed document examples, replayed in order', () => {
  // The exact bodies of the published examples.
  const created = {
    calibrated_by: '',
    instrument_id: 'TEST',
    area_id: '',
    description: '',
    area_name: '',
    calibrated_at: 0,
    vendor: 'Nomad',
    name: 'Romulus',
    initials: 'KLS',
    instrument_type: 'HPLC',
    date: '2021-07-19T00:00:00Z',
    data_path: '',
  };
  const update = {
    calibrated_at: '2021-07-19',
    calibrated_by: 'KLS',
    instrument_id: 'TEST',
    initials: 'KLS',
    name: 'Remus',
    vendor: 'Rome',
  };

  it('Create an instrument: 200 {success, data: the posted body} (+ updated_at/updated_by)', async () => {
    const r = await call(emu, 'POST', '/instruments', { body: created, key: emu.users.member });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      success: true,
      data: { ...created, updated_at: expect.stringMatching(NAIVE_ISO), updated_by: USERS.member.uid },
    });
  });

  it('Get instruments: 200 {success, data: [documents with the documented fields]}', async () => {
    const r = await call(emu, 'GET', '/instruments', { key: emu.users.member });
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
    expect(Array.isArray(r.json.data)).toBe(true);
    const test = r.json.data.find((d: any) => d.instrument_id === 'TEST');
    expect(test).toMatchObject(created);
    expect(test.id).toBe('TEST');
    // Every listed document (demo data included) has the documented keys.
    for (const doc of r.json.data) {
      for (const key of Object.keys(created)) expect(doc, `${doc.id} lacks ${key}`).toHaveProperty(key);
      expect(doc.id).toBe(String(doc.instrument_id));
    }
  });

  it('Update an instrument: the reply only includes the data posted', async () => {
    const r = await call(emu, 'POST', '/instruments', { body: update, key: emu.users.member });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      success: true,
      data: { ...update, updated_at: expect.stringMatching(NAIVE_ISO), updated_by: USERS.member.uid },
    });
    // ...while the stored document is the merge of both posts.
    const stored = await call(emu, 'GET', '/instruments/TEST', { key: emu.users.member });
    expect(stored.json.data).toEqual({
      ...created,
      ...update,
      id: 'TEST',
      updated_at: r.json.data.updated_at,
      updated_by: USERS.member.uid,
    });
  });

  it('Delete an instrument: {success: true, data: []}', async () => {
    const r = await call(emu, 'DELETE', '/instruments', { body: { instrument_id: 'TEST' } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true, data: [] });
    const gone = await call(emu, 'GET', '/instruments/TEST');
    expect(gone.json).toEqual({ success: true, data: {} });
  });
});

describe('authentication and organisations', () => {
  it('401 without a key, with an unknown key, and with a scheme but no key', async () => {
    for (const o of [{ key: null }, { key: 'not-a-key' }, { authorization: 'Bearer' }] as CallOptions[]) {
      const r = await call(emu, 'GET', '/instruments', o);
      expect(r.status).toBe(401);
      expect(r.json).toEqual(UNAUTHENTICATED);
    }
  });

  it('takes the last word of Authorization as the key, whatever the scheme word', async () => {
    const r = await call(emu, 'GET', '/instruments/HPLC-01', { authorization: `Token ${emu.users.member}` });
    expect(r.status).toBe(200);
    expect(r.json.data.instrument_id).toBe('HPLC-01');
  });

  it('403 when organization_id is missing or empty', async () => {
    for (const o of [{ org: null }, { org: '' }] as CallOptions[]) {
      const r = await call(emu, 'GET', '/instruments', o);
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ success: false, data: null, message: 'An organization_id parameter is required.' });
    }
  });

  it('403 for an organisation the user does not belong to', async () => {
    const message =
      'Your must be an owner, quality assurance, or a team member of this organization for this operation.';
    const a = await call(emu, 'GET', '/instruments', { key: emu.users.outsider });
    const b = await call(emu, 'POST', '/instruments', { key: emu.users.member, org: 'other-lab', body: { instrument_id: 'X' } });
    for (const r of [a, b]) {
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ success: false, data: null, message });
    }
  });

  it('scopes data by organisation', async () => {
    const theirs = await call(emu, 'GET', '/instruments', { key: emu.users.outsider, org: 'other-lab' });
    expect(theirs.status).toBe(200);
    const ids: string[] = theirs.json.data.map((d: any) => d.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain('HPLC-01');
    const ours = await call(emu, 'GET', '/instruments', { key: emu.users.member });
    expect(ours.json.data.map((d: any) => d.id)).not.toContain(ids[0]);
    expect(ours.json.data.length).toBeGreaterThanOrEqual(24);
  });

  it('checks the key before it reads the body', async () => {
    const r = await call(emu, 'POST', '/instruments', { key: null, rawBody: '{not json' });
    expect(r.status).toBe(401);
  });
});

describe('POST upsert', () => {
  it('merges a list of dicts by instrument_id and keeps fields a later POST leaves out', async () => {
    const first = await call(emu, 'POST', '/instruments', {
      body: [
        { instrument_id: 'UP-1', name: 'One', vendor: 'Agilent', specs: { flow: 1, column: 'C18' } },
        { instrument_id: 'UP-2', name: 'Two' },
      ],
    });
    expect(first.status).toBe(200);
    expect(first.json.data).toHaveLength(2);
    expect(first.json.data[1]).toEqual({
      instrument_id: 'UP-2',
      name: 'Two',
      updated_at: expect.stringMatching(NAIVE_ISO),
      updated_by: USERS.owner.uid,
    });
    const second = await call(emu, 'POST', '/instruments', {
      key: emu.users.qa,
      body: [{ instrument_id: 'UP-1', name: 'One bis', specs: { flow: 2 } }],
    });
    expect(second.json.data).toEqual([
      { instrument_id: 'UP-1', name: 'One bis', specs: { flow: 2 }, updated_at: expect.any(String), updated_by: USERS.qa.uid },
    ]);
    const stored = await call(emu, 'GET', '/instruments/UP-1');
    expect(stored.json.data).toMatchObject({
      name: 'One bis',
      vendor: 'Agilent',
      specs: { flow: 2, column: 'C18' },
      updated_by: USERS.qa.uid,
    });
  });

  it('stores any keys, including ones the docs never mention', async () => {
    await call(emu, 'POST', '/instruments', { body: { instrument_id: 'ODD', custom_flag: true, tags: ['a', 'b'] } });
    const r = await call(emu, 'GET', '/instruments/ODD');
    expect(r.json.data).toMatchObject({ custom_flag: true, tags: ['a', 'b'], id: 'ODD' });
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

  it('a body that is neither dict nor non-empty list is 403 "not recognized"', async () => {
    const message =
      'The data submitted was not recognized. You can try to post either a singular object or an array / list of objects.';
    for (const rawBody of ['"TEST"', '42', 'null', '[]']) {
      const r = await call(emu, 'POST', '/instruments', { rawBody });
      expect(r.status, rawBody).toBe(403);
      expect(r.json).toEqual({ success: false, data: null, message });
    }
  });

  it('an item without instrument_id is a 400 and the whole list is refused', async () => {
    const r = await call(emu, 'POST', '/instruments', {
      body: [{ instrument_id: 'ATOMIC-1', name: 'ok' }, { name: 'no key' }],
    });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ success: false, data: null, message: expect.stringContaining('instrument_id') });
    const after = await call(emu, 'GET', '/instruments/ATOMIC-1');
    expect(after.json.data).toEqual({});
    const single = await call(emu, 'POST', '/instruments', { body: { name: 'no key' } });
    expect(single.status).toBe(400);
  });

  it('any member of the organisation may write (team member)', async () => {
    const r = await call(emu, 'POST', '/instruments', { key: emu.users.member, body: { instrument_id: 'BY-MEMBER' } });
    expect(r.status).toBe(200);
  });
});

describe('GET', () => {
  it('GET /<id> of a missing instrument is 200 with data {}', async () => {
    const r = await call(emu, 'GET', '/instruments/NO-SUCH-THING');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true, data: {} });
  });

  it('honours limit, order_by and desc (Firestore order, documents lacking the field left out)', async () => {
    const limited = await call(emu, 'GET', '/instruments', { query: 'limit=3' });
    expect(limited.json.data.map((d: any) => d.id)).toEqual(['AW-01', 'BAL-01', 'BAL-02']);
    const ordered = await call(emu, 'GET', '/instruments', { query: 'order_by=calibrated_at&desc=true&limit=2' });
    expect(ordered.json.data.map((d: any) => d.calibrated_at)).toEqual(['2024-04-01', '2024-04-01']);
    const asc = await call(emu, 'GET', '/instruments', { query: 'order_by=calibrated_at&desc=false&limit=1' });
    // Numbers sort before strings: the never-calibrated `0` comes first.
    expect(asc.json.data[0].calibrated_at).toBe(0);
    const sparse = await call(emu, 'GET', '/instruments', { query: 'order_by=custom_flag' });
    expect(sparse.json.data.map((d: any) => d.id)).toEqual(['ODD']);
    const bad = await call(emu, 'GET', '/instruments', { query: 'limit=ten' });
    expect(bad.status).toBe(400);
  });

  it('items= picks documents, comma-separated or repeated, {} for missing ones', async () => {
    const r = await call(emu, 'GET', '/instruments', { query: 'items=HPLC-02,NOPE&items=BAL-01' });
    expect(r.status).toBe(200);
    expect(r.json.data.map((d: any) => d.id ?? null)).toEqual(['HPLC-02', null, 'BAL-01']);
    expect(r.json.data[1]).toEqual({});
  });
});

describe('DELETE', () => {
  it('is reserved to owners and QA: a team member gets 403 and nothing is deleted', async () => {
    const r = await call(emu, 'DELETE', '/instruments', { key: emu.users.member, body: { instrument_id: 'HPLC-01' } });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({
      success: false,
      data: null,
      message: 'Your must be an owner or quality assurance to delete instruments.',
    });
    const still = await call(emu, 'GET', '/instruments/HPLC-01');
    expect(still.json.data.id).toBe('HPLC-01');
  });

  it('with a JSON body is idempotent (a missing document still succeeds)', async () => {
    await call(emu, 'POST', '/instruments', { body: { instrument_id: 'DEL-1' } });
    for (let i = 0; i < 2; i++) {
      const r = await call(emu, 'DELETE', '/instruments', { key: emu.users.qa, body: { instrument_id: 'DEL-1' } });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ success: true, data: [] });
    }
    expect((await call(emu, 'GET', '/instruments/DEL-1')).json.data).toEqual({});
  });

  it('accepts a list of {instrument_id} dicts', async () => {
    await call(emu, 'POST', '/instruments', { body: [{ instrument_id: 'DEL-2' }, { instrument_id: 'DEL-3' }] });
    const r = await call(emu, 'DELETE', '/instruments', { body: [{ instrument_id: 'DEL-2' }, { instrument_id: 'DEL-3' }] });
    expect(r.status).toBe(200);
    const left = await call(emu, 'GET', '/instruments', { query: 'items=DEL-2,DEL-3' });
    expect(left.json.data).toEqual([{}, {}]);
  });

  it('DELETE /<id> deletes by path but still needs a JSON body (empty body: 400 parse error)', async () => {
    await call(emu, 'POST', '/instruments', { body: { instrument_id: 'DEL-4' } });
    const empty = await call(emu, 'DELETE', '/instruments/DEL-4');
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({ detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' });
    expect((await call(emu, 'GET', '/instruments/DEL-4')).json.data.id).toBe('DEL-4');
    const r = await call(emu, 'DELETE', '/instruments/DEL-4', { body: {} });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true, data: [] });
    expect((await call(emu, 'GET', '/instruments/DEL-4')).json.data).toEqual({});
  });
});

describe('framework behaviour', () => {
  it('PUT and PATCH are DRF 405s', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const r = await call(emu, method, '/instruments/HPLC-01', { body: { name: 'x' } });
      expect(r.status).toBe(405);
      expect(r.json).toEqual({ detail: `Method "${method}" not allowed.` });
      expect(r.headers.get('allow')).toBe('GET, POST, DELETE, OPTIONS');
    }
  });

  it('trailing-slash URLs are 404 (APPEND_SLASH never strips a slash)', async () => {
    for (const path of ['/instruments/', '/instruments/HPLC-01/']) {
      const r = await call(emu, 'GET', path);
      expect(r.status, path).toBe(404);
      expect(r.text).toContain('<h1>Not Found</h1>');
    }
  });

  it('malformed JSON is a DRF parse error and the server keeps serving', async () => {
    const r = await call(emu, 'POST', '/instruments', { rawBody: '{"instrument_id": "X",}' });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      detail: 'JSON parse error - Expecting property name enclosed in double quotes: line 1 column 23 (char 22)',
    });
    const next = await call(emu, 'GET', '/instruments/HPLC-01');
    expect(next.status).toBe(200);
    expect(next.json.data.vendor).toBe('Agilent');
  });

  it('an unsupported content type is a DRF 415 quoting the header', async () => {
    const r = await call(emu, 'POST', '/instruments', { rawBody: 'instrument_id=X', contentType: 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.json).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
  });

  it('has no rate limit by default', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => call(emu, 'GET', '/instruments', { query: 'limit=1' }).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});

describe('separate instances', () => {
  const started: RunningEmulator[] = [];
  const start = async (options: EmulatorOptions) => {
    const e = await startCannlyticsEmulator(options);
    started.push(e);
    return e;
  };
  afterAll(async () => {
    await Promise.all(started.map((e) => e.close()));
  });

  it('a body over bodyLimit is 413 and the server survives', async () => {
    const small = await start({ bodyLimit: 1024 });
    const r = await call(small, 'POST', '/instruments', { body: { instrument_id: 'BIG', blob: 'x'.repeat(4000) } });
    expect(r.status).toBe(413);
    const ok = await call(small, 'GET', '/instruments/BIG');
    expect(ok.json).toEqual({ success: true, data: {} });
  });

  it('honours options.rateLimit with a DRF 429 and Retry-After', async () => {
    const limited = await start({ rateLimit: { perMinute: 3 } });
    const replies = [];
    for (let i = 0; i < 8; i++) replies.push(await call(limited, 'GET', '/instruments', { query: 'limit=1' }));
    const refused = replies.filter((r) => r.status === 429);
    // Even if a minute boundary falls inside the loop, at most 6 of the 8 can pass.
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.json.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
  });

  it('reset-after-commit: the client sees a socket error but the write happened', async () => {
    const e = await start({});
    e.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    await expect(call(e, 'POST', '/instruments', { body: { instrument_id: 'LOST-REPLY', name: 'n' } })).rejects.toThrow();
    const r = await call(e, 'GET', '/instruments/LOST-REPLY');
    expect(r.json.data).toMatchObject({ id: 'LOST-REPLY', name: 'n' });
  });

  it('an injected 429 storm carries Retry-After', async () => {
    const e = await start({});
    e.faults.storm429(60_000);
    const r = await call(e, 'GET', '/instruments');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    e.faults.reset();
    expect((await call(e, 'GET', '/instruments', { query: 'limit=1' })).status).toBe(200);
  });

  it('statePath: writes survive a restart, deletes too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cannlytics-state-'));
    try {
      const statePath = join(dir, 'cannlytics.json');
      const a = await startCannlyticsEmulator({ statePath });
      await call(a, 'POST', '/instruments', { body: { instrument_id: 'PERSIST', name: 'kept' } });
      await call(a, 'DELETE', '/instruments', { body: { instrument_id: 'HPLC-01' } });
      await a.close();
      const b = await startCannlyticsEmulator({ statePath });
      try {
        expect((await call(b, 'GET', '/instruments/PERSIST')).json.data).toMatchObject({ name: 'kept' });
        expect((await call(b, 'GET', '/instruments/HPLC-01')).json.data).toEqual({});
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records=N adds N instruments, identical for the same seed', async () => {
    const [a, b, c] = await Promise.all([
      start({ records: 300, seed: 42 }),
      start({ records: 300, seed: 42 }),
      start({ records: 300, seed: 43 }),
    ]);
    const q = { query: 'items=GEN-000001,GEN-000150,GEN-000300,GEN-000301' };
    const [ra, rb, rc] = await Promise.all([a, b, c].map((e) => call(e, 'GET', '/instruments', q)));
    expect(ra!.json.data.slice(0, 3).map((d: any) => d.id)).toEqual(['GEN-000001', 'GEN-000150', 'GEN-000300']);
    expect(ra!.json.data[3]).toEqual({});
    expect(rb!.json).toEqual(ra!.json);
    expect(rc!.json).not.toEqual(ra!.json);
    const all = await call(a, 'GET', '/instruments', { query: 'limit=100000' });
    expect(all.json.data).toHaveLength(300 + 32);
  });
});
