import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../common/emulator-server';
import { PUBLISHED_REFUSED_FILTERS, startBrainstemEmulator } from './brainstem-emulator';
import { client } from './conformance-helpers';

/**
 * Published mode (`asPublished: true`): the BrainSTEM emulator refuses the dynamic-rest filters
 * that docs/api.md does not document, with a DRF 400, so a client's fallbacks can be tested
 * (docs/remotes/brainstem.md). Over real HTTP; the documented mode is covered by
 * brainstem.conformance.test.ts and brainstem.consumables.conformance.test.ts.
 */

const APPROVALS = '/api/private/resources/consumableapproval/';
const CONSUMABLES = '/api/private/resources/consumable/';
const EQUIPMENT = '/api/private/modules/equipment/';

let emu: RunningEmulator;
let documented: RunningEmulator;
let api: ReturnType<typeof client>;
let doc: ReturnType<typeof client>;
const started: RunningEmulator[] = [];
let approvalId: string;

async function proposeConsumable(c: ReturnType<typeof client>, name: string): Promise<string> {
  const supplier = (await c.get('/api/private/resources/supplier/')).json.suppliers[0].id as string;
  const r = await c.post(CONSUMABLES, { name, supplier, type: 'OpticFiberDesign', details: {} });
  expect(r.status).toBe(201);
  return r.json.consumable_approval.id as string;
}

beforeAll(async () => {
  emu = await startBrainstemEmulator({ asPublished: true });
  documented = await startBrainstemEmulator({});
  started.push(emu, documented);
  api = client(emu);
  doc = client(documented);
  approvalId = await proposeConsumable(api, 'Published-mode fiber');
  await proposeConsumable(doc, 'Published-mode fiber');
});
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
});

describe('BrainSTEM published mode: undocumented filters are a DRF 400', () => {
  it.each([
    [`filter{id.in}=${'00000000-0000-0000-0000-000000000000'}`, 'id.in'],
    ['filter{status}=Pending', 'status'],
    ['filter{action}=Add', 'action'],
    [`filter{instance_id}=${'00000000-0000-0000-0000-000000000000'}`, 'instance_id'],
    ['filter{-status}=Rejected', 'status'],
  ])('approvals: %s', async (query, spec) => {
    const r = await api.get(`${APPROVALS}?${query}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ detail: `Invalid filter field: ${spec}` });
    // The documented mode applies the same filter.
    expect((await doc.get(`${APPROVALS}?${query}`)).status).toBe(200);
  });

  it('percent-encoded names are refused the same way (as the Python clients send them)', async () => {
    const r = await api.get(`${APPROVALS}?filter%7Bstatus%7D=Pending`);
    expect(r.status).toBe(400);
  });

  it('an undocumented operator is refused on any model; the documented ones pass', async () => {
    expect((await api.get(`${EQUIPMENT}?filter{name.in}=Rig`)).status).toBe(400);
    expect((await api.get(`${EQUIPMENT}?filter{name.iexact}=rig`)).status).toBe(400);
    for (const q of ['filter{name}=Rig', 'filter{name.icontains}=rig', 'filter{name.startswith}=R', 'filter{notes.endswith}=x']) {
      expect((await api.get(`${EQUIPMENT}?${q}`)).status, q).toBe(200);
    }
  });

  it('what BenchSync also relies on and the docs allow still works: filter{name}, filter{setup.id}, sort[], limit/offset', async () => {
    const first = (await api.get(`${EQUIPMENT}?limit=1`)).json.equipment[0];
    const r = await api.get(`${EQUIPMENT}?filter{name}=${encodeURIComponent(first.name)}&filter{setup.id}=${first.setup}&sort[]=id&limit=5&offset=0`);
    expect(r.status).toBe(200);
    expect(r.json.equipment.map((e: any) => e.id)).toContain(first.id);
    const byName = await api.get(`${CONSUMABLES}?filter{name}=${encodeURIComponent('Published-mode fiber')}`);
    expect(byName.status).toBe(200);
    // The approval list itself, unfiltered and by id, is readable.
    const list = await api.get(`${APPROVALS}?sort[]=id&limit=100`);
    expect(list.status).toBe(200);
    expect(list.json.consumable_approvals.map((a: any) => a.id)).toContain(approvalId);
    expect((await api.get(`${APPROVALS}${approvalId}/`)).json.consumable_approval.status).toBe('Pending');
  });

  it('the default list covers every undocumented operator and the approval fields', () => {
    expect(PUBLISHED_REFUSED_FILTERS).toEqual(expect.arrayContaining(['*.in', '*.iexact', '*.isnull', '*approval:status', '*approval:action', '*approval:instance_id']));
    expect(PUBLISHED_REFUSED_FILTERS).not.toContain('*.icontains');
  });

  it('the sandbox description names the mode', () => {
    expect(emu.extra.mode).toBe('published');
    expect(documented.extra.mode).toBeUndefined();
  });
});

describe('BrainSTEM refusedFilters: which filters are refused is configurable', () => {
  it('published mode with a custom list refuses only those', async () => {
    const e = await startBrainstemEmulator({ asPublished: true, refusedFilters: ['consumableapproval:status'] });
    started.push(e);
    const c = client(e);
    expect((await c.get(`${APPROVALS}?filter{status}=Pending`)).status).toBe(400);
    expect((await c.get(`${APPROVALS}?filter{action}=Add`)).status).toBe(200);
    expect((await c.get(`${APPROVALS}?filter{id.in}=${approvalId}`)).status).toBe(200);
  });

  it('refusedFilters: [] in published mode refuses none; a list in the documented mode refuses those', async () => {
    const none = client(await startBrainstemEmulator({ asPublished: true, refusedFilters: [] }).then((e) => (started.push(e), e)));
    expect((await none.get(`${APPROVALS}?filter{status}=Pending`)).status).toBe(200);
    const some = client(await startBrainstemEmulator({ refusedFilters: ['*.in'] }).then((e) => (started.push(e), e)));
    expect((await some.get(`${APPROVALS}?filter{id.in}=${approvalId}`)).status).toBe(400);
    expect((await some.get(`${APPROVALS}?filter{status}=Pending`)).status).toBe(200);
  });
});
