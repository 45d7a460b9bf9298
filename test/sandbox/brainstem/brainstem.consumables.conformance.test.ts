/**
 * BrainSTEM emulator conformance, part 2: consumables, suppliers and the approval workflow
 * (seed 003), replayed over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../common/emulator-server';
import { BRAINSTEM_USER_IDS, startBrainstemEmulator } from './brainstem-emulator';
import { client, kindOf, UUID } from './conformance-helpers';

const C = '/api/private/resources/consumable/';
const PUBLIC_C = '/api/public/resources/consumable/';
const A = '/api/private/resources/consumableapproval/';
const SUP = '/api/private/resources/supplier/';

// Documented shapes of seed 003 (ids are placeholders replaced by emulator ids).
const DOC_LIST_ITEM = {
  id: '0a533099-700a-4d9b-a3db-87be8d137770',
  name: 'AAV-EF1a-mCherry-IRES-WGA-Cre ',
  description: 'Transsynaptic Tracers: WGA-Cre (AAV2, 5 & 8)',
  supplier: '4fa1c3b4-f955-47f5-8524-3f1afa3fc657',
  type: 'VirusConstruct',
  rrid: '',
  rrid_url: '',
  external_identifiers: [],
  details: { virus_type: 'AAV', notes: 'Transsynaptic Tracers: WGA-Cre (AAV2, 5 & 8)' },
};
const DOC_ADD_REQUEST = {
  name: 'MyNewConsumable',
  description: '',
  supplier: 'fba48e24-eebf-4b11-a8b9-ac660854d779',
  type: 'OpticFiberDesign',
  details: { productId: '42', tipDescription: '', coreDiameter: 0, outerDiameter: 100, aperture: 0.2 },
};
const DOC_ADD_REPLY_KEYS = ['id', 'name', 'description', 'supplier', 'type', 'details'];
const DOC_DETAIL_KEYS = ['id', 'name', 'description', 'supplier', 'type', 'rrid', 'rrid_url', 'external_identifiers', 'details'];
const DOC_APPROVAL_KEYS = ['id', 'name', 'description', 'supplier', 'type', 'details', 'instance_id', 'action', 'reviewer', 'status'];

let emu: RunningEmulator;
let api: ReturnType<typeof client>;
let supplierId: string;
let otherSupplierId: string;

beforeAll(async () => {
  emu = await startBrainstemEmulator({ seed: 7 });
  api = client(emu);
  const sup = await api.get(SUP);
  supplierId = sup.json.suppliers[0].id;
  otherSupplierId = sup.json.suppliers[1].id;
});
afterAll(async () => {
  await emu.close();
});

const unique = (prefix: string) => `${prefix} ${Math.random().toString(36).slice(2, 10)}`;

async function liveByName(name: string) {
  const r = await api.get(`${C}?filter%7Bname%7D=${encodeURIComponent(name)}`);
  expect(r.status).toBe(200);
  return r.json.consumables as Array<Record<string, unknown>>;
}

async function submitAdd(name = unique('Consumable'), as: 'member' | 'other' = 'member') {
  const r = await api.post(C, { ...DOC_ADD_REQUEST, name, supplier: supplierId }, as);
  expect(r.status).toBe(201);
  return r.json.consumable_approval as Record<string, unknown> & { id: string; name: string };
}

describe('seed 003: every documented consumable request', () => {
  it('List view: {"consumables": [...]} with the documented item keys, plus count/next/previous/meta', async () => {
    const r = await api.get(C);
    expect(r.status).toBe(200);
    expect(r.json.consumables.length).toBeGreaterThan(10);
    for (const item of r.json.consumables) {
      expect(Object.keys(item)).toEqual(Object.keys(DOC_LIST_ITEM));
      for (const [k, v] of Object.entries(DOC_LIST_ITEM)) expect(kindOf(item[k])).toBe(kindOf(v));
    }
    expect(Object.keys(r.json)).toEqual(['consumables', 'count', 'next', 'previous', 'meta']);
    expect(Object.keys(r.json.meta)).toEqual(['page', 'per_page', 'total_pages', 'total_results']);
    const pub = await api.get(PUBLIC_C, 'anonymous');
    expect(pub.status).toBe(200);
    expect(pub.json.meta.total_results).toBe(r.json.count);
  });

  it('Add: POST -> 201 {"consumable_approval": {...}}, Pending, and the live list is unchanged', async () => {
    const before = await api.get(C);
    const r = await api.post(C, { ...DOC_ADD_REQUEST, supplier: supplierId });
    expect(r.status).toBe(201);
    expect(Object.keys(r.json)).toEqual(['consumable_approval']);
    const a = r.json.consumable_approval;
    for (const k of DOC_ADD_REPLY_KEYS) expect(a).toHaveProperty(k);
    expect(a).toMatchObject({ ...DOC_ADD_REQUEST, supplier: supplierId, instance_id: null, action: 'Add', reviewer: null, status: 'Pending' });
    expect(a.id).toMatch(UUID);
    expect(await liveByName('MyNewConsumable')).toEqual([]);
    expect((await api.get(C)).json.count).toBe(before.json.count);
  });

  it('Detail: GET /<id>/ -> {"consumable": {...}} with the documented keys', async () => {
    const list = await api.get(C);
    const id = list.json.consumables[0].id;
    const r = await api.get(`${C}${id}/`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['consumable']);
    expect(Object.keys(r.json.consumable)).toEqual(DOC_DETAIL_KEYS);
    expect(r.json.consumable).toEqual(list.json.consumables[0]);
    expect((await api.get(`${PUBLIC_C}${id}/`, 'anonymous')).json.consumable).toEqual(r.json.consumable);
  });

  it('Change: PATCH /<id>/ {"description"} -> 200 consumable_approval (Change); live untouched', async () => {
    const live = (await api.get(`${C}?limit=1&offset=3`)).json.consumables[0];
    const r = await api.patch(`${C}${live.id}/`, { description: 'new text' });
    expect(r.status).toBe(200);
    const a = r.json.consumable_approval;
    expect(a.id).toMatch(UUID);
    expect(a.id).not.toBe(live.id);
    expect(a).toMatchObject({ name: live.name, supplier: live.supplier, type: live.type, details: live.details, description: 'new text' });
    expect(a).toMatchObject({ action: 'Change', instance_id: live.id, status: 'Pending', reviewer: null });
    expect((await api.get(`${C}${live.id}/`)).json.consumable.description).toBe(live.description);
  });

  it('Delete: admin -> 204 with no body; others -> 403', async () => {
    const a = await submitAdd();
    const accepted = await api.patch(`${A}${a.id}/accept/`, undefined, 'admin');
    const id = accepted.json.consumable_approval.instance_id;
    for (const who of ['member', 'other'] as const) {
      const r = await api.del(`${C}${id}/`, who);
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ detail: 'You do not have permission to perform this action.' });
    }
    const del = await api.del(`${C}${id}/`, 'admin');
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await api.get(`${C}${id}/`)).status).toBe(404);
  });

  it('List approvals: {"consumable_approvals": [...], count, meta} with the documented keys', async () => {
    await submitAdd();
    const r = await api.get(A);
    expect(r.status).toBe(200);
    expect(r.json.count).toBeGreaterThan(0);
    expect(r.json.meta.total_results).toBe(r.json.count);
    for (const item of r.json.consumable_approvals) for (const k of DOC_APPROVAL_KEYS) expect(item).toHaveProperty(k);
  });

  it('Detail approval: GET /consumableapproval/<id>/ -> {"consumable_approval": {...}}', async () => {
    const a = await submitAdd();
    const r = await api.get(`${A}${a.id}/`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['consumable_approval']);
    expect(r.json.consumable_approval).toEqual(a);
  });

  it('Accept approval and Reject approval: PATCH with no body -> 200', async () => {
    const x = await submitAdd();
    const y = await submitAdd();
    const acc = await api.call('PATCH', `${A}${x.id}/accept/`, { as: 'admin' });
    expect(acc.status).toBe(200);
    expect(acc.json.consumable_approval.status).toBe('Accepted');
    const rej = await api.call('PATCH', `${A}${y.id}/reject/`, { as: 'admin' });
    expect(rej.status).toBe(200);
    expect(rej.json.consumable_approval.status).toBe('Rejected');
  });
});

describe('consumable validation', () => {
  it('duplicate of a live name -> 400 with the DRF unique message', async () => {
    const existing = (await api.get(C)).json.consumables[0].name;
    const r = await api.post(C, { ...DOC_ADD_REQUEST, name: existing, supplier: supplierId });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ name: ['consumable with this name already exists.'] });
  });

  it('duplicate of a pending Add -> 400 too', async () => {
    const a = await submitAdd(unique('Pending twin'), 'other');
    const r = await api.post(C, { ...DOC_ADD_REQUEST, name: a.name, supplier: supplierId });
    expect(r.status).toBe(400);
    expect(r.json.name).toEqual(['consumable with this name already exists.']);
  });

  it('required fields, lengths, choices and relations', async () => {
    const missing = await api.post(C, {});
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ name: ['This field is required.'], supplier: ['This field is required.'], type: ['This field is required.'] });
    const bad = await api.post(C, {
      name: 'n'.repeat(101),
      description: 'd'.repeat(501),
      supplier: '99999999-9999-4999-8999-999999999999',
      type: 'Sandwich',
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      name: ['Ensure this field has no more than 100 characters.'],
      description: ['Ensure this field has no more than 500 characters.'],
      supplier: ['Invalid pk "99999999-9999-4999-8999-999999999999" - object does not exist.'],
      type: ['"Sandwich" is not a valid choice.'],
    });
  });

  it('every documented type key is accepted', async () => {
    for (const type of ['OpticFiberDesign', 'SiliconProbeDesign', 'VirusConstruct', 'WireElectrode', 'ChemicalReagent', 'TracerDye']) {
      const r = await api.post(C, { name: unique(type), supplier: supplierId, type, details: {} });
      expect(r.status).toBe(201);
    }
  });

  it('rrid must start with "RRID:"; rrid_url is read-only; external_identifiers items are checked', async () => {
    const bad = await api.post(C, { name: unique('rrid'), supplier: supplierId, type: 'ImmunoReagent', rrid: 'AB_2534096' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json)).toEqual(['rrid']);
    const good = await api.post(C, {
      name: unique('rrid'),
      supplier: supplierId,
      type: 'ImmunoReagent',
      rrid: 'RRID:AB_2534096',
      rrid_url: 'https://evil.example.com',
      external_identifiers: [{ Source: 'DOI', Identifier: '10.1000/xyz', URL: 'https://doi.org/10.1000/xyz' }],
    });
    expect(good.status).toBe(201);
    expect(good.json.consumable_approval.rrid_url).not.toBe('https://evil.example.com');
    const ids = await api.post(C, { name: unique('ids'), supplier: supplierId, type: 'TracerDye', external_identifiers: [{ Identifier: 'x' }] });
    expect(ids.status).toBe(400);
    expect(ids.json.external_identifiers[0]).toContain("'Source' is a required property");
  });

  it('PATCH on an unknown consumable -> 404; PATCH with an invalid type -> 400 and no approval', async () => {
    expect((await api.patch(`${C}99999999-9999-4999-8999-999999999999/`, { description: 'x' })).status).toBe(404);
    const live = (await api.get(C)).json.consumables[1];
    const before = (await api.get(A)).json.count;
    const r = await api.patch(`${C}${live.id}/`, { type: 'Sandwich' });
    expect(r.status).toBe(400);
    expect((await api.get(A)).json.count).toBe(before);
  });
});

describe('approval workflow', () => {
  it('a non-admin sees only their own submissions; the admin sees all', async () => {
    const mine = await submitAdd(unique('mine'), 'member');
    const theirs = await submitAdd(unique('theirs'), 'other');
    const memberList = await api.get(`${A}?limit=100`, 'member');
    const memberIds = memberList.json.consumable_approvals.map((a: { id: string }) => a.id);
    expect(memberIds).toContain(mine.id);
    expect(memberIds).not.toContain(theirs.id);
    expect((await api.get(`${A}${theirs.id}/`, 'member')).status).toBe(404);
    const adminIds = (await api.get(`${A}?limit=100`, 'admin')).json.consumable_approvals.map((a: { id: string }) => a.id);
    expect(adminIds).toEqual(expect.arrayContaining([mine.id, theirs.id]));
  });

  it('filter{status}=Pending filters the approval list', async () => {
    const all = await api.get(`${A}?limit=100`, 'admin');
    const pending = await api.get(`${A}?filter%7Bstatus%7D=Pending&limit=100`, 'admin');
    expect(pending.json.count).toBeGreaterThan(0);
    expect(pending.json.count).toBeLessThan(all.json.count);
    expect(pending.json.consumable_approvals.every((a: { status: string }) => a.status === 'Pending')).toBe(true);
  });

  it('non-admins get 403 on accept and reject, and nothing changes', async () => {
    const a = await submitAdd();
    for (const who of ['member', 'other'] as const) {
      for (const verb of ['accept', 'reject']) {
        const r = await api.call('PATCH', `${A}${a.id}/${verb}/`, { as: who });
        expect(r.status).toBe(403);
      }
    }
    expect((await api.get(`${A}${a.id}/`)).json.consumable_approval.status).toBe('Pending');
    expect(await liveByName(a.name)).toEqual([]);
  });

  it('admin accept of an Add creates the live consumable with a new UUID', async () => {
    const a = await submitAdd();
    const r = await api.patch(`${A}${a.id}/accept/`, {}, 'admin');
    expect(r.status).toBe(200);
    const decided = r.json.consumable_approval;
    expect(decided).toMatchObject({ status: 'Accepted', reviewer: BRAINSTEM_USER_IDS.admin, action: 'Add' });
    const live = await liveByName(a.name);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).toMatch(UUID);
    expect(live[0]!.id).not.toBe(a.id);
    expect(live[0]).toMatchObject({ supplier: supplierId, type: 'OpticFiberDesign', details: DOC_ADD_REQUEST.details });
    expect((await api.get(`${PUBLIC_C}${live[0]!.id}/`, 'anonymous')).status).toBe(200);
  });

  it('admin accept of a Change applies the proposed fields to instance_id', async () => {
    const a = await submitAdd();
    const id = (await api.patch(`${A}${a.id}/accept/`, {}, 'admin')).json.consumable_approval.instance_id;
    const change = await api.patch(`${C}${id}/`, { description: 'Revised description', supplier: otherSupplierId }, 'other');
    expect(change.status).toBe(200);
    expect((await api.get(`${C}${id}/`)).json.consumable.description).toBe('');
    const accepted = await api.patch(`${A}${change.json.consumable_approval.id}/accept/`, {}, 'admin');
    expect(accepted.status).toBe(200);
    const live = (await api.get(`${C}${id}/`)).json.consumable;
    expect(live).toMatchObject({ id, name: a.name, description: 'Revised description', supplier: otherSupplierId });
  });

  it('reject leaves the live record as it was', async () => {
    const live = (await api.get(`${C}?limit=1&offset=5`)).json.consumables[0];
    const change = await api.patch(`${C}${live.id}/`, { name: unique('Renamed') });
    const r = await api.patch(`${A}${change.json.consumable_approval.id}/reject/`, {}, 'admin');
    expect(r.status).toBe(200);
    expect(r.json.consumable_approval).toMatchObject({ status: 'Rejected', reviewer: BRAINSTEM_USER_IDS.admin });
    expect((await api.get(`${C}${live.id}/`)).json.consumable).toEqual(live);
  });

  it('accept without the trailing slash and with a {} body (v0.2 client)', async () => {
    const a = await submitAdd();
    const r = await api.call('PATCH', `${A}${a.id}/accept`, { as: 'admin', body: {} });
    expect(r.status).toBe(200);
    expect(r.json.consumable_approval.status).toBe('Accepted');
    expect(await liveByName(a.name)).toHaveLength(1);
  });

  it('deciding an already-decided approval -> 400 {"detail"}', async () => {
    const a = await submitAdd();
    await api.patch(`${A}${a.id}/reject/`, {}, 'admin');
    for (const verb of ['accept', 'reject']) {
      const r = await api.patch(`${A}${a.id}/${verb}/`, {}, 'admin');
      expect(r.status).toBe(400);
      expect(typeof r.json.detail).toBe('string');
    }
    expect(await liveByName(a.name)).toEqual([]);
  });

  it('uniqueness is checked again at accept time', async () => {
    const base = await submitAdd();
    const id = (await api.patch(`${A}${base.id}/accept/`, {}, 'admin')).json.consumable_approval.instance_id;
    const target = unique('Contested');
    const rename = await api.patch(`${C}${id}/`, { name: target });
    expect(rename.status).toBe(200);
    const add = await submitAdd(target, 'other');
    expect((await api.patch(`${A}${add.id}/accept/`, {}, 'admin')).status).toBe(200);
    const late = await api.patch(`${A}${rename.json.consumable_approval.id}/accept/`, {}, 'admin');
    expect(late.status).toBe(400);
    expect(late.json).toEqual({ name: ['consumable with this name already exists.'] });
    expect((await api.get(`${A}${rename.json.consumable_approval.id}/`)).json.consumable_approval.status).toBe('Pending');
  });

  it('approved entries cannot be deleted by non-admins; a pending one can be withdrawn', async () => {
    const a = await submitAdd();
    await api.patch(`${A}${a.id}/accept/`, {}, 'admin');
    expect((await api.del(`${A}${a.id}/`)).status).toBe(403);
    const b = await submitAdd();
    expect((await api.del(`${A}${b.id}/`)).status).toBe(204);
    expect((await api.get(`${A}${b.id}/`)).status).toBe(404);
  });

  it('approvals are private-only; the public consumable portal is read-only', async () => {
    expect((await api.get('/api/public/resources/consumableapproval/', 'anonymous')).status).toBe(404);
    const post = await api.call('POST', PUBLIC_C, { as: 'anonymous', body: { ...DOC_ADD_REQUEST, supplier: supplierId } });
    expect(post.status).toBe(405);
    expect(post.json).toEqual({ detail: 'Method "POST" not allowed.' });
    expect((await api.get(A, 'anonymous')).status).toBe(401);
  });
});

describe('suppliers', () => {
  it('list/detail use suppliers/supplier; POST files a supplier_approval with a normalised website', async () => {
    const list = await api.get(SUP);
    expect(list.json.suppliers.length).toBeGreaterThanOrEqual(5);
    for (const s of list.json.suppliers) expect(Object.keys(s)).toEqual(['id', 'name', 'description', 'website']);
    const one = await api.get(`${SUP}${supplierId}/`);
    expect(one.json.supplier.id).toBe(supplierId);
    const r = await api.post(SUP, { name: 'New Supplier', description: 'A new supplier', website: 'newsupplier.com' });
    expect(r.status).toBe(201);
    expect(r.json.supplier_approval).toMatchObject({ name: 'New Supplier', website: 'http://newsupplier.com', action: 'Add', status: 'Pending' });
    expect((await api.get(`${SUP}?filter{name}=New%20Supplier`)).json.count).toBe(0);
    const dup = await api.post(SUP, { name: list.json.suppliers[0].name });
    expect(dup.json).toEqual({ name: ['supplier with this name already exists.'] });
  });
});
