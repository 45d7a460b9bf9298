/**
 * BrainSTEM emulator conformance, part 1: transport, auth, equipment (seed 001), setups, the
 * dynamic-rest list parameters, faults, persistence. Consumables and approvals (seed 003) are in
 * brainstem.consumables.conformance.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../common/emulator-server';
import { BRAINSTEM_USER_IDS, startBrainstemEmulator } from './brainstem-emulator';
import { client, kindOf, UUID } from './conformance-helpers';
import { COORDINATE_SYSTEMS, EQUIPMENT_TYPES } from './schemas';

const EQ = '/api/private/modules/equipment/';
const SETUPS = '/api/private/personal_attributes/setup/';

// The documented replies of seed 001 (Python dicts transcribed to JSON; ids are placeholders).
const ZERO = '00000000-0000-0000-0000-000000000000';
const DOC_LIST_ITEM = {
  id: ZERO,
  name: 'Headstage amplifier',
  type: 'Amplifier',
  notes: '32-channel preamp',
  setup: ZERO,
  date_time: '2024-03-05T10:00:00Z',
  consumable: null,
  hardwaredevice: ZERO,
  details: {},
  type_schema_version: '0.0.0',
  coordinates_system: 'External_XYZ_Absolute',
  coordinates_details: { x: 0.0, y: 0.0, z: 0.0, xAngle: 0.0, yAngle: 0.0, zAngle: 0.0 },
  coordinates_schema_version: '0.0.0',
};
const DOC_ADD_REQUEST = {
  name: 'Fiber photometry console',
  type: 'FiberPhotometrySystem',
  setup: ZERO,
  hardwaredevice: ZERO,
  notes: 'Main recording rig',
  details: {},
  coordinates_system: 'External_XYZ_Absolute',
  coordinates_details: { x: 1.0, y: 2.0, z: 3.0, xAngle: 4.0, yAngle: 5.0, zAngle: 6.0 },
};
const DOC_ADD_REPLY = {
  equipment: {
    id: ZERO,
    name: 'Fiber photometry console',
    type: 'FiberPhotometrySystem',
    notes: 'Main recording rig',
    setup: ZERO,
    date_time: null,
    consumable: null,
    hardwaredevice: ZERO,
    details: {},
    type_schema_version: '0.0.0',
    coordinates_system: 'External_XYZ_Absolute',
    coordinates_details: { x: 1.0, y: 2.0, z: 3.0, xAngle: 4.0, yAngle: 5.0, zAngle: 6.0 },
    coordinates_schema_version: '0.0.0',
  },
};
const DOC_CHANGE_REPLY = { equipment: { ...DOC_ADD_REPLY.equipment, notes: 'Updated calibration complete' } };

let emu: RunningEmulator;
let api: ReturnType<typeof client>;
/** Setup ids by demo name. */
const setup: Record<string, string> = {};
let hardwareId: string;

function withIds<T extends { equipment: Record<string, unknown> }>(doc: T, ids: { id: string; setup: string; hardwaredevice: string }): T {
  return { ...doc, equipment: { ...doc.equipment, ...ids } };
}

beforeAll(async () => {
  emu = await startBrainstemEmulator({ seed: 1 });
  api = client(emu);
  const setups = await api.get(`${SETUPS}?limit=100`, 'admin');
  for (const s of setups.json.setups) setup[s.name] = s.id;
  const hw = await api.get('/api/private/resources/hardwaredevice/');
  hardwareId = hw.json.hardwaredevices[0].id;
});
afterAll(async () => {
  await emu.close();
});

const EPHYS = 'Ephys Rig 2 — Room B214'; // member contributes; other only reads
const TWO_P = '2P Imaging Suite'; // public; member and other contribute
const SURGERY = 'Surgery & Stereotaxic Station'; // member only; other cannot see it
const MINISCOPE = 'Miniscope Open-Field Arena'; // other contributes; member reads

function newEquipment(overrides: Record<string, unknown> = {}) {
  return {
    name: `Test rig ${Math.random().toString(36).slice(2)}`,
    type: 'Amplifier',
    setup: setup[EPHYS],
    coordinates_system: 'External_XYZ_Absolute',
    coordinates_details: { x: 0.1 },
    ...overrides,
  };
}

describe('schemas module', () => {
  it('has the 58 documented equipment types and 6 coordinate systems', () => {
    expect(EQUIPMENT_TYPES).toHaveLength(58);
    expect(new Set(EQUIPMENT_TYPES).size).toBe(58);
    expect(Object.keys(COORDINATE_SYSTEMS).sort()).toEqual(
      [
        'CCF_XYZ_Absolute',
        'External_XYZ_Absolute',
        'Stereotaxic_BregmaAbsolute',
        'Stereotaxic_BregmaBrainSurface',
        'Stereotaxic_LambdaAbsolute',
        'Stereotaxic_LambdaBrainSurface',
      ].sort(),
    );
  });
});

describe('seed 001: every documented equipment request', () => {
  it('List view: GET -> 200 {"equipment": [...]} with the documented item shape', async () => {
    const r = await api.get(EQ);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.json.equipment)).toBe(true);
    expect(r.json.equipment.length).toBeGreaterThan(0);
    for (const item of r.json.equipment) {
      expect(Object.keys(item)).toEqual(Object.keys(DOC_LIST_ITEM));
      expect(item.id).toMatch(UUID);
      expect(item.setup).toMatch(UUID);
      for (const key of ['name', 'type', 'notes', 'details', 'coordinates_system', 'coordinates_details'] as const) {
        expect(kindOf(item[key])).toBe(kindOf(DOC_LIST_ITEM[key]));
      }
    }
  });

  it('Add, Detail, Change, Delete replay with the documented replies', async () => {
    const ids = { setup: setup[TWO_P]!, hardwaredevice: hardwareId };
    const add = await api.post(EQ, { ...DOC_ADD_REQUEST, ...ids });
    expect(add.status).toBe(201);
    expect(add.json.equipment.id).toMatch(UUID);
    const id = add.json.equipment.id as string;
    expect(add.json).toEqual(withIds(DOC_ADD_REPLY, { id, ...ids }));

    const detail = await api.get(`${EQ}${id}/`);
    expect(detail.status).toBe(200);
    expect(detail.json).toEqual(withIds(DOC_ADD_REPLY, { id, ...ids }));

    const change = await api.patch(`${EQ}${id}/`, { notes: 'Updated calibration complete' });
    expect(change.status).toBe(200);
    expect(change.json).toEqual(withIds(DOC_CHANGE_REPLY, { id, ...ids }));

    const del = await api.del(`${EQ}${id}/`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await api.get(`${EQ}${id}/`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ detail: 'Not found.' });
  });

  it('serves the list without a trailing slash as a 301 to the slashed URL (APPEND_SLASH)', async () => {
    const r = await api.get('/api/private/modules/equipment?limit=5');
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('/api/private/modules/equipment/?limit=5');
  });

  it('serves a POST without the trailing slash (documented URL form) instead of redirecting it', async () => {
    const r = await api.post('/api/private/modules/equipment', newEquipment());
    expect(r.status).toBe(201);
    expect(r.json.equipment.id).toMatch(UUID);
  });
});

describe('authentication', () => {
  it('missing token -> 401 with the DRF text', async () => {
    const r = await api.get(EQ, 'anonymous');
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('invalid token -> 401 "Invalid token." (also on the public portal)', async () => {
    for (const path of [EQ, '/api/public/modules/equipment/']) {
      const r = await api.call('GET', path, { as: 'anonymous', headers: { Authorization: 'Bearer not-a-real-token' } });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ detail: 'Invalid token.' });
    }
  });

  it('writes need auth before anything else', async () => {
    const r = await api.call('POST', EQ, { as: 'anonymous', body: newEquipment() });
    expect(r.status).toBe(401);
  });
});

describe('equipment validation', () => {
  it('unknown type -> 400 "\\"X\\" is not a valid choice."', async () => {
    const r = await api.post(EQ, newEquipment({ type: 'Spaceship' }));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ type: ['"Spaceship" is not a valid choice.'] });
  });

  it('missing required fields are all reported in one object', async () => {
    const r = await api.post(EQ, { name: 'nothing else' });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      type: ['This field is required.'],
      setup: ['This field is required.'],
      coordinates_system: ['This field is required.'],
    });
  });

  it('unknown coordinates key -> 400 naming the key', async () => {
    const r = await api.post(EQ, newEquipment({ coordinates_details: { x: 1, foo: 2 } }));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ coordinates_details: ["Additional properties are not allowed ('foo' was unexpected)"] });
  });

  it('keys are per system: apCoordinate is not allowed in External_XYZ_Absolute, but is in Stereotaxic', async () => {
    const bad = await api.post(EQ, newEquipment({ coordinates_details: { apCoordinate: 1 } }));
    expect(bad.status).toBe(400);
    expect(bad.json.coordinates_details[0]).toContain("'apCoordinate'");
    const good = await api.post(
      EQ,
      newEquipment({ coordinates_system: 'Stereotaxic_BregmaBrainSurface', coordinates_details: { apCoordinate: -2, mlCoordinate: 1.5, depth: 1.2, rotation: 90 } }),
    );
    expect(good.status).toBe(201);
  });

  it('angles outside -180…360 -> 400; the bounds themselves are accepted', async () => {
    const high = await api.post(EQ, newEquipment({ coordinates_details: { zAngle: 361 } }));
    expect(high.status).toBe(400);
    expect(high.json).toEqual({ coordinates_details: ['zAngle: 361 is greater than the maximum of 360'] });
    const low = await api.post(EQ, newEquipment({ coordinates_details: { xAngle: -180.5 } }));
    expect(low.status).toBe(400);
    expect(low.json.coordinates_details[0]).toContain('less than the minimum of -180');
    const edge = await api.post(EQ, newEquipment({ coordinates_details: { xAngle: -180, zAngle: 360 } }));
    expect(edge.status).toBe(201);
  });

  it('accepts {value, unit} values and rejects a wrong unit or a non-number', async () => {
    const ok = await api.post(EQ, newEquipment({ coordinates_details: { x: { value: 12, unit: 'µm' }, zAngle: { value: 30, unit: '°' } } }));
    expect(ok.status).toBe(201);
    expect(ok.json.equipment.coordinates_details.x).toEqual({ value: 12, unit: 'µm' });
    const unit = await api.post(EQ, newEquipment({ coordinates_details: { x: { value: 12, unit: 'inch' } } }));
    expect(unit.status).toBe(400);
    expect(unit.json.coordinates_details[0]).toContain("'inch' is not one of");
    const text = await api.post(EQ, newEquipment({ coordinates_details: { x: 'far' } }));
    expect(text.status).toBe(400);
  });

  it('notes > 500 characters -> 400; exactly 500 is fine', async () => {
    const long = await api.post(EQ, newEquipment({ notes: 'n'.repeat(501) }));
    expect(long.status).toBe(400);
    expect(long.json).toEqual({ notes: ['Ensure this field has no more than 500 characters.'] });
    const max = await api.post(EQ, newEquipment({ notes: 'µ'.repeat(500) }));
    expect(max.status).toBe(201);
  });

  it('unknown setup -> 400 Invalid pk', async () => {
    const missing = '11111111-2222-4333-8444-555555555555';
    const r = await api.post(EQ, newEquipment({ setup: missing }));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ setup: [`Invalid pk "${missing}" - object does not exist.`] });
  });

  it('details must be {} for every type (all 58 schemas are empty and closed)', async () => {
    const r = await api.post(EQ, newEquipment({ details: { gain: 200 } }));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ details: ["Additional properties are not allowed ('gain' was unexpected)"] });
  });

  it('unknown coordinates system and bad date_time are field errors', async () => {
    const r = await api.post(EQ, newEquipment({ coordinates_system: 'Polar', date_time: 'yesterday', notes: 'x'.repeat(600) }));
    expect(r.status).toBe(400);
    expect(Object.keys(r.json).sort()).toEqual(['coordinates_system', 'date_time', 'notes']);
    expect(r.json.coordinates_system).toEqual(['"Polar" is not a valid choice.']);
  });

  it('PATCH changing the system re-checks the stored coordinates', async () => {
    const made = await api.post(EQ, newEquipment({ coordinates_details: { x: 1, zAngle: 10 } }));
    const r = await api.patch(`${EQ}${made.json.equipment.id}/`, { coordinates_system: 'Stereotaxic_BregmaAbsolute' });
    expect(r.status).toBe(400);
    expect(r.json.coordinates_details[0]).toContain('Additional properties are not allowed');
  });

  it('PUT is a full replace: required fields enforced, omitted optional fields reset', async () => {
    const made = await api.post(EQ, newEquipment({ notes: 'to be cleared' }));
    const id = made.json.equipment.id;
    const missing = await api.put(`${EQ}${id}/`, { name: 'only a name' });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.json).sort()).toEqual(['coordinates_system', 'setup', 'type']);
    const put = await api.put(`${EQ}${id}/`, { name: 'Replaced', type: 'Camera', setup: setup[EPHYS], coordinates_system: 'CCF_XYZ_Absolute' });
    expect(put.status).toBe(200);
    expect(put.json.equipment).toMatchObject({ id, name: 'Replaced', type: 'Camera', notes: '', coordinates_details: {} });
  });

  it('malformed JSON -> 400 "JSON parse error - ..." and the server keeps serving', async () => {
    const r = await api.call('POST', EQ, { rawBody: '{"name": ', contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/^JSON parse error - /);
    expect((await api.get(EQ)).status).toBe(200);
  });

  it('unsupported content type -> 415 with the DRF text', async () => {
    const r = await api.call('POST', EQ, { rawBody: 'name=x', contentType: 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.json).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
  });

  it('a JSON list body -> 400 non_field_errors', async () => {
    const r = await api.call('POST', EQ, { rawBody: '[1,2]' });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  it('huge body -> 413 and the server keeps serving', async () => {
    const r = await api.call('POST', EQ, { rawBody: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(r.status).toBe(413);
    expect((await api.get(EQ)).status).toBe(200);
  });
});

describe('equipment permissions (inherited from the setup)', () => {
  it('a reader of the setup can read but not write (403)', async () => {
    const made = await api.post(EQ, newEquipment());
    const id = made.json.equipment.id;
    expect((await api.get(`${EQ}${id}/`, 'other')).status).toBe(200);
    const patch = await api.patch(`${EQ}${id}/`, { notes: 'hi' }, 'other');
    expect(patch.status).toBe(403);
    expect(patch.json).toEqual({ detail: 'You do not have permission to perform this action.' });
    expect((await api.del(`${EQ}${id}/`, 'other')).status).toBe(403);
    expect((await api.post(EQ, newEquipment(), 'other')).status).toBe(403);
  });

  it('member may not write on the setup they only read', async () => {
    const r = await api.post(EQ, newEquipment({ setup: setup[MINISCOPE] }));
    expect(r.status).toBe(403);
    expect((await api.post(EQ, newEquipment({ setup: setup[MINISCOPE] }), 'other')).status).toBe(201);
  });

  it("a setup the caller cannot see does not exist for them (400 on write, 404 on read)", async () => {
    const made = await api.post(EQ, newEquipment({ setup: setup[SURGERY] }));
    expect(made.status).toBe(201);
    expect((await api.get(`${EQ}${made.json.equipment.id}/`, 'other')).status).toBe(404);
    const write = await api.post(EQ, newEquipment({ setup: setup[SURGERY] }), 'other');
    expect(write.status).toBe(400);
    expect(write.json.setup[0]).toMatch(/^Invalid pk/);
    const list = await api.get(`${EQ}?filter{setup.id}=${setup[SURGERY]}`, 'other');
    expect(list.json.count).toBe(0);
  });

  it('moving equipment to a setup where you only read -> 403', async () => {
    const made = await api.post(EQ, newEquipment());
    const r = await api.patch(`${EQ}${made.json.equipment.id}/`, { setup: setup[MINISCOPE] });
    expect(r.status).toBe(403);
  });

  it('the admin sees and writes everything', async () => {
    const r = await api.post(EQ, newEquipment({ setup: setup[MINISCOPE] }), 'admin');
    expect(r.status).toBe(201);
  });
});

describe('setups', () => {
  it('list/detail use the setups/setup keys; a user sees only their setups', async () => {
    const mine = await api.get(SETUPS, 'other');
    expect(mine.status).toBe(200);
    const names = mine.json.setups.map((s: { name: string }) => s.name);
    expect(names).not.toContain(SURGERY);
    expect(names).toContain(EPHYS);
    for (const s of mine.json.setups) {
      expect(Object.keys(s)).toEqual(['id', 'name', 'location', 'description', 'setup_type', 'specifications', 'is_public', 'image']);
      expect(s.name.length).toBeLessThanOrEqual(50);
    }
    const one = await api.get(`${SETUPS}${setup[TWO_P]}/`);
    expect(one.json.setup.name).toBe(TWO_P);
    expect((await api.get(`${SETUPS}${setup[SURGERY]}/`, 'other')).status).toBe(404);
  });
});

describe('dynamic-rest list parameters', () => {
  it('percent-encoded filter/sort/include equal their raw forms; * and %2A both inline the setup', async () => {
    const raw = await api.get(`${EQ}?filter{name.icontains}=rig&sort[]=-name&include[]=setup.*&limit=50`);
    const v2 = await api.get(`${EQ}?filter%7Bname.icontains%7D=rig&sort%5B%5D=-name&include%5B%5D=setup.%2A&limit=50&offset=0`);
    const v02 = await api.get(`${EQ}?filter%7Bname.icontains%7D=rig&sort%5B%5D=-name&include%5B%5D=setup.*`);
    expect(raw.status).toBe(200);
    expect(raw.json.count).toBeGreaterThan(1);
    expect(v2.json.equipment).toEqual(raw.json.equipment);
    expect(v02.json.equipment).toEqual(raw.json.equipment.slice(0, 20));
    const names = raw.json.equipment.map((e: { name: string }) => e.name);
    expect(names.every((n: string) => n.toLowerCase().includes('rig'))).toBe(true);
    expect(names).toEqual([...names].sort().reverse());
    expect(typeof raw.json.equipment[0].setup).toBe('object');
    expect(raw.json.equipment[0].setup.id).toMatch(UUID);
    const plain = await api.get(`${EQ}?filter%7Bname.icontains%7D=rig`);
    expect(typeof plain.json.equipment[0].setup).toBe('string');
  });

  it('filter{setup.id}, several filters AND, and the comparison ops', async () => {
    const bySetup = await api.get(`${EQ}?filter%7Bsetup.id%7D=${setup[TWO_P]}&limit=100`);
    expect(bySetup.json.count).toBeGreaterThan(0);
    expect(bySetup.json.equipment.every((e: { setup: string }) => e.setup === setup[TWO_P])).toBe(true);

    const both = await api.get(`${EQ}?filter{setup.id}=${setup[TWO_P]}&filter{type}=Laser`);
    expect(both.json.count).toBe(1);
    expect(both.json.equipment[0].name).toBe('Coherent Chameleon Discovery NX');

    const starts = await api.get(`${EQ}?filter{name.istartswith}=sutter&limit=100`);
    expect(starts.json.equipment.map((e: { name: string }) => e.name).sort()).toEqual(['Sutter MP-285 micromanipulator', 'Sutter P-97 micropipette puller']);
    const iexact = await api.get(`${EQ}?filter{name.iexact}=TMC%2063-500%20AIR%20TABLE`);
    expect(iexact.json.count).toBe(1);
    const ends = await api.get(`${EQ}?filter{name.endswith}=(box%201)`);
    expect(ends.json.equipment.map((e: { name: string }) => e.name)).toEqual(['Bpod State Machine r2 (box 1)']);

    const dated = await api.get(`${EQ}?filter{date_time.gte}=2023-01-01T00:00:00Z&filter{date_time.lt}=2024-01-01&limit=100`);
    expect(dated.json.equipment.map((e: { name: string }) => e.name)).toEqual(['Bruker Ultima 2Pplus']);
    const bySetupName = await api.get(`${EQ}?filter{setup.name.icontains}=surgery&limit=100`);
    expect(bySetupName.json.count).toBeGreaterThan(3);
    const isPublic = await api.get(`${EQ}?filter{setup.is_public}=true&limit=100`);
    expect(isPublic.json.equipment.every((e: { setup: string }) => [setup[TWO_P], setup['Fiber Photometry Bay — Room B210']].includes(e.setup))).toBe(true);
  });

  it('unknown filter or sort field -> 400 {"detail": ...}', async () => {
    const f = await api.get(`${EQ}?filter%7Bcolour%7D=red`);
    expect(f.status).toBe(400);
    expect(f.json).toEqual({ detail: 'Invalid filter field: colour' });
    const s = await api.get(`${EQ}?sort[]=colour`);
    expect(s.status).toBe(400);
    expect(typeof s.json.detail).toBe('string');
    const i = await api.get(`${EQ}?include[]=colour.*`);
    expect(i.status).toBe(400);
    expect(i.json.detail).toContain('colour');
  });

  it('repeatable sort[] orders by several keys', async () => {
    const r = await api.get(`${EQ}?sort[]=type&sort[]=-name&limit=100`, 'admin');
    const rows = r.json.equipment as Array<{ type: string; name: string }>;
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      expect(a.type <= b.type).toBe(true);
      if (a.type === b.type) expect(a.name >= b.name).toBe(true);
    }
  });
});

describe('pagination', () => {
  let big: RunningEmulator;
  beforeAll(async () => {
    big = await startBrainstemEmulator({ records: 250, seed: 42 });
  });
  afterAll(async () => {
    await big.close();
  });

  it('count, next followed to the end, previous, meta, and limit capped at 100', async () => {
    const b = client(big);
    const first = await b.get(`${EQ}?filter%7Bname.icontains%7D=%23&limit=100`);
    expect(first.json.count).toBe(250);
    expect(first.json.previous).toBeNull();
    expect(first.json.meta).toEqual({ page: 1, per_page: 100, total_pages: 3, total_results: 250 });
    expect(first.json.next).toContain('filter%7Bname.icontains%7D=%23');
    const ids: string[] = [];
    const sizes: number[] = [];
    let page = first;
    for (;;) {
      sizes.push(page.json.equipment.length);
      ids.push(...page.json.equipment.map((e: { id: string }) => e.id));
      if (!page.json.next) break;
      page = await b.get(page.json.next);
      expect(page.status).toBe(200);
      expect(page.json.previous).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/private\/modules\/equipment\/\?/);
    }
    expect(sizes).toEqual([100, 100, 50]);
    expect(new Set(ids).size).toBe(250);
    expect(page.json.meta.page).toBe(3);
    const boundary = await b.get(`${EQ}?filter%7Bname.icontains%7D=%23&limit=50&offset=200`);
    expect(boundary.json.equipment).toHaveLength(50);
    expect(boundary.json.next).toBeNull();
    expect(boundary.json.previous).toContain('offset=150');

    const defaults = await b.get(EQ, 'admin');
    expect(defaults.json.equipment).toHaveLength(20);
    expect(defaults.json.count).toBeGreaterThan(250);
    const capped = await b.get(`${EQ}?limit=1000`, 'admin');
    expect(capped.json.equipment).toHaveLength(100);
    expect(capped.json.meta.per_page).toBe(100);
    const end = await b.get(`${EQ}?limit=10&offset=${defaults.json.count - 5}`, 'admin');
    expect(end.json.equipment).toHaveLength(5);
    expect(end.json.next).toBeNull();
  });

  it('the same seed and records give the same data; another seed does not', async () => {
    const again = await startBrainstemEmulator({ records: 250, seed: 42 });
    const other = await startBrainstemEmulator({ records: 250, seed: 43 });
    try {
      const q = `${EQ}?filter%7Bname.icontains%7D=%23&limit=100&offset=100`;
      const [x, y, z] = await Promise.all([client(big).get(q), client(again).get(q), client(other).get(q)]);
      expect(y.json.equipment).toEqual(x.json.equipment);
      expect(z.json.equipment.map((e: { id: string }) => e.id)).not.toEqual(x.json.equipment.map((e: { id: string }) => e.id));
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });
});

describe('public portal', () => {
  it('needs no token and only shows public setups and their equipment', async () => {
    const setups = await api.get('/api/public/personal_attributes/setup/', 'anonymous');
    expect(setups.status).toBe(200);
    expect(setups.json.setups.length).toBeGreaterThan(0);
    expect(setups.json.setups.every((s: { is_public: boolean }) => s.is_public)).toBe(true);
    const publicIds = new Set(setups.json.setups.map((s: { id: string }) => s.id));
    const eq = await api.get('/api/public/modules/equipment/?limit=100', 'anonymous');
    expect(eq.json.count).toBeGreaterThan(0);
    expect(eq.json.equipment.every((e: { setup: string }) => publicIds.has(e.setup))).toBe(true);
    const priv = await api.get(`${EQ}?filter{setup.id}=${setup[EPHYS]}&limit=1`);
    expect((await api.get(`/api/public/modules/equipment/${priv.json.equipment[0].id}/`, 'anonymous')).status).toBe(404);
  });

  it('is read-only: writes -> 405 with the DRF text', async () => {
    const post = await api.call('POST', '/api/public/modules/equipment/', { as: 'anonymous', body: newEquipment() });
    expect(post.status).toBe(405);
    expect(post.json).toEqual({ detail: 'Method "POST" not allowed.' });
    const any = await api.get('/api/public/modules/equipment/?limit=1', 'anonymous');
    const del = await api.call('DELETE', `/api/public/modules/equipment/${any.json.equipment[0].id}/`, { as: 'member' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).not.toContain('DELETE');
  });
});

describe('faults, throttling, persistence', () => {
  it('reset-after-commit: the client sees a socket error, yet the record exists', async () => {
    const name = `Committed ${Date.now()}`;
    emu.faults.queue({ kind: 'reset-after-commit', method: 'POST', pathIncludes: '/modules/equipment' });
    await expect(fetch(`${emu.baseUrl}${EQ}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${emu.users.member}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(newEquipment({ name })),
    })).rejects.toThrow();
    const r = await api.get(`${EQ}?filter{name}=${encodeURIComponent(name)}`);
    expect(r.json.count).toBe(1);
  });

  it('an injected 503 looks like nginx (HTML) and changes nothing', async () => {
    emu.faults.queue({ kind: 'status', status: 503, method: 'POST' });
    const name = `Never ${Date.now()}`;
    const r = await api.post(EQ, newEquipment({ name }));
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect((await api.get(`${EQ}?filter{name}=${encodeURIComponent(name)}`)).json.count).toBe(0);
  });

  it('no rate limit by default; with rateLimit, DRF 429 + Retry-After', async () => {
    const burst = await Promise.all(Array.from({ length: 30 }, () => api.get(`${EQ}?limit=1`)));
    expect(burst.every((r) => r.status === 200)).toBe(true);
    const limited = await startBrainstemEmulator({ rateLimit: { perMinute: 3 } });
    try {
      const l = client(limited);
      const replies = [];
      for (let i = 0; i < 4; i++) replies.push(await l.get(`${EQ}?limit=1`));
      expect(replies.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
      expect(replies[3]!.status).toBe(429);
      expect(replies[3]!.json.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
      expect(Number(replies[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('statePath round trip keeps records and ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'brainstem-state-'));
    const statePath = join(dir, 'brainstem.json');
    try {
      const a = await startBrainstemEmulator({ statePath });
      const made = await client(a).post(EQ, newEquipment({ name: 'Persisted amplifier' }));
      const submitted = await client(a).post('/api/private/resources/supplier/', { name: 'Persisted Supplier Ltd', website: 'persisted.example.com' });
      expect(submitted.status).toBe(201);
      await a.close();
      expect(JSON.parse(readFileSync(statePath, 'utf8')).format).toBe('brainstem-emulator/1');
      const b = await startBrainstemEmulator({ statePath });
      try {
        const again = await client(b).get(`${EQ}${made.json.equipment.id}/`);
        expect(again.status).toBe(200);
        expect(again.json.equipment.name).toBe('Persisted amplifier');
        const approval = await client(b).get(`/api/private/resources/supplierapproval/${submitted.json.supplier_approval.id}/`);
        expect(approval.json.supplier_approval.website).toBe('http://persisted.example.com');
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('users are the documented roles with integer ids', () => {
    expect(Object.keys(emu.users).sort()).toEqual(['admin', 'member', 'other']);
    expect(emu.extra.adminUserId).toBe(String(BRAINSTEM_USER_IDS.admin));
    expect(Number.isInteger(BRAINSTEM_USER_IDS.member)).toBe(true);
    expect(emu.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
