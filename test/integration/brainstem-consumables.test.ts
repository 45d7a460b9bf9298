import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { BRAINSTEM_USER_IDS, startBrainstemEmulator } from '../sandbox/brainstem/brainstem-emulator';
import { FAST_SYNC, startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';
import { tapHttp } from './http-tap';

/**
 * BrainSTEM consumables through the approval workflow, against the BrainSTEM emulator on loopback
 * (real SQLite, real HTTP). An administrator's decisions are made over HTTP with the admin token,
 * as the BrainSTEM web site would. The connector's requests are observed (and, where a test needs
 * it, held back or answered) where they leave (./http-tap.ts); the test's own requests use fetch.
 */
const realFetch = globalThis.fetch;
let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let connectionId: string;
type Sent = { method: string; url: URL; body: unknown };
let sent: Sent[];
/** Called before a connector request is forwarded; a Response returned answers it instead. */
let intercept: ((req: Sent) => Promise<Response | undefined>) | undefined;

const C = '/api/private/resources/consumable/';
const A = '/api/private/resources/consumableapproval/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NAME_TAKEN = 'consumable with this name already exists.';
const FORBIDDEN = 'You do not have permission to perform this action.';
const POLL_MS = 300;
type Role = 'member' | 'admin' | 'other';

async function api(method: string, path: string, role: Role, body?: object): Promise<{ status: number; json: any }> {
  const res = await realFetch(`${emulator.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${emulator.users[role]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Every row of a BrainSTEM list, paged like any client. */
async function remoteAll(path: string, key: string, role: Role = 'member', query = ''): Promise<any[]> {
  const out: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await api('GET', `${path}?limit=100&offset=${offset}${query}`, role)).json;
    out.push(...page[key]);
    if (!page.next) return out;
  }
}
const remoteLive = (role: Role = 'member') => remoteAll(C, 'consumables', role);
const remoteApproval = async (id: string) => (await api('GET', `${A}${id}/`, 'admin')).json.consumable_approval;
const supplierId = async (name: string) => (await remoteAll('/api/private/resources/supplier/', 'suppliers')).find((s) => s.name === name)!.id as string;

async function connect(role: Role, settings: Record<string, string> = {}) {
  const c = await app.client.call('connections.save', { system: 'brainstem', name: `BrainSTEM (${role})`, baseUrl: emulator.baseUrl, settings, apiKey: emulator.users[role]! });
  connectionId = c.id;
  await waitFor('the first pull', async () => (await app.client.call('sync.status', {}))[0]?.lastPullAt);
}

const consumables = async () => (await app.client.call('records.list', { kind: 'consumable', limit: 500 })).items;
const byTitle = async (title: string) => (await consumables()).find((r) => r.title === title)!;
const get = (id: string) => app.client.call('records.get', { id });
const whenStatus = (id: string, status: string, timeoutMs?: number) =>
  waitFor(`record ${status}`, async () => {
    const r = await get(id);
    return r.status === status ? r : undefined;
  }, timeoutMs);
const failure = (p: Promise<unknown>) => p.then(() => ({ code: 'none', message: '', fieldErrors: undefined }) as any, (e) => e.error);

const polls = () => sent.filter((r) => r.url.pathname === A && r.url.searchParams.has('filter{id.in}'));

beforeEach(async () => {
  dir = tempDir();
  emulator = await startBrainstemEmulator({});
  app = await startApp(dir.path, { ...FAST_SYNC, proposalPollMs: POLL_MS });
  sent = [];
  intercept = undefined;
  tapHttp(async ({ method, url, body }) => {
    const req = { method, url, body: body === undefined ? undefined : JSON.parse(body) };
    if (url.pathname.startsWith('/api/')) sent.push(req);
    return intercept?.(req);
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await app.close();
  await emulator.close();
  dir.remove();
});

const cannula = (supplier: string) => ({
  name: 'MFC_300/370-0.39_4mm_ZF1.25_FLT',
  type: 'OpticFiberDesign',
  supplier,
  description: 'Mono fiber-optic cannula, 300 µm core, NA 0.39.',
  details: { productId: 'MFC_300/370-0.39_4mm_ZF1.25_FLT', tipDescription: 'flat', coreDiameter: 300, outerDiameter: 370, aperture: 0.39 },
  rrid: '',
  external_identifiers: [],
  comments: 'For the new NAc cohort.',
});

describe('brainstem consumables: pull', () => {
  it('mirrors every live consumable and the approved suppliers; submissions are not records', async () => {
    await connect('member');
    const remote = await remoteLive();
    const local = await consumables();
    expect(local.map((r) => r.remoteId).sort()).toEqual(remote.map((c) => c.id).sort());
    expect(local.every((r) => r.status === 'synced' && r.editable && r.system === 'brainstem')).toBe(true);

    const antibody = remote.find((c) => c.name.startsWith('GFP Polyclonal'))!;
    expect(antibody.external_identifiers).toHaveLength(1);
    const rec = await get(local.find((r) => r.remoteId === antibody.id)!.id);
    const { id, ...fields } = antibody;
    expect(rec.fields).toEqual({ ...fields, comments: '' });
    expect(rec.subtitle).toBe('Antibody or immunoreagent');

    const picker = await app.client.call('categories.list', { connectionId, source: 'suppliers' });
    const suppliers = await remoteAll('/api/private/resources/supplier/', 'suppliers');
    expect(picker.map((s) => s.remoteId).sort()).toEqual(suppliers.map((s) => s.id).sort());
    expect(picker.find((s) => s.remoteId === suppliers[0].id)!.name).toBe(suppliers[0].name);

    // A pending Add of this user is only a submission; without the reviewer setting there is no queue.
    expect((await remoteAll(A, 'consumable_approvals')).some((a) => a.name === 'AAV9-CAG-FLEX-tdTomato' && a.status === 'Pending')).toBe(true);
    expect(local.some((r) => r.title === 'AAV9-CAG-FLEX-tdTomato')).toBe(false);
    expect(await app.client.call('approvals.list', {})).toEqual([]);
    expect(sent.filter((r) => r.url.pathname === A)).toEqual([]);
  });
});

describe('brainstem consumables: proposals', () => {
  it('an Add proposed offline awaits approval with the proposed values; once accepted it is the live record', async () => {
    await connect('member');
    const supplier = await supplierId('Doric Lenses');
    const liveBefore = await remoteLive();
    emulator.faults.set({ offline: true });
    const created = await app.client.call('records.create', { connectionId, kind: 'consumable', fields: cannula(supplier) });
    expect(created.status).toBe('pending');
    await waitFor('offline', async () => (await app.client.call('sync.status', {}))[0]!.state === 'offline');

    sent = []; // attempts while offline never reached the server
    emulator.faults.set({ offline: false });
    await app.client.call('sync.now', { connectionId });
    const waiting = await whenStatus(created.id, 'awaiting_approval');
    expect(waiting.remoteId).toBeNull();
    expect(waiting.fields).toMatchObject({ name: cannula(supplier).name, details: cannula(supplier).details, supplier });
    expect(waiting.proposal).toMatchObject({ action: 'Add', status: 'Pending' });
    expect(waiting.proposal!.approvalId).toMatch(UUID);
    // One POST, without the read-only field, carrying the comment for the reviewers.
    const posts = sent.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.url.pathname)).toEqual([C]);
    expect(posts[0]!.body).not.toHaveProperty('rrid_url');
    expect(posts[0]!.body).toMatchObject({ comments: 'For the new NAc cohort.', supplier });

    const approval = await remoteApproval(waiting.proposal!.approvalId);
    expect(approval).toMatchObject({ action: 'Add', status: 'Pending', instance_id: null, comments: 'For the new NAc cohort.' });
    expect((await remoteLive()).map((c) => c.id).sort()).toEqual(liveBefore.map((c) => c.id).sort());

    expect((await api('PATCH', `${A}${approval.id}/accept/`, 'admin')).status).toBe(200);
    const live = await whenStatus(created.id, 'synced');
    const accepted = await remoteApproval(approval.id);
    expect(accepted.status).toBe('Accepted');
    expect(live.remoteId).toBe(accepted.instance_id);
    expect(live.proposal).toBeNull();
    expect((await remoteLive()).find((c) => c.id === live.remoteId)!.name).toBe(cannula(supplier).name);
    // The pull that follows an acceptance replaces the proposed values with the live ones (no comment there).
    await waitFor('the pull after acceptance', async () => (await get(created.id)).fields.comments === '');
    expect((await consumables()).filter((r) => r.title === cannula(supplier).name).map((r) => r.id)).toEqual([created.id]);
  });

  it('an accepted Add that a pull brought in before the poll ends up as one record: the one that proposed it', async () => {
    await connect('member');
    const supplier = await supplierId('Doric Lenses');
    let holdPolls = true;
    intercept = async (req) => (holdPolls && req.url.pathname === A && req.url.searchParams.has('filter{id.in}') ? new Response('<html>busy</html>', { status: 503 }) : undefined);
    const created = await app.client.call('records.create', { connectionId, kind: 'consumable', fields: cannula(supplier) });
    const waiting = await whenStatus(created.id, 'awaiting_approval');
    expect((await api('PATCH', `${A}${waiting.proposal!.approvalId}/accept/`, 'admin')).status).toBe(200);

    await app.client.call('sync.now', { connectionId });
    const twins = await waitFor('the pull to bring the live record in', async () => {
      const rows = (await consumables()).filter((r) => r.title === cannula(supplier).name);
      return rows.length === 2 ? rows : undefined;
    });
    expect(twins.find((r) => r.id === created.id)!.status).toBe('awaiting_approval');
    await waitFor('a held-back poll', async () => polls().length > 0);

    holdPolls = false;
    const live = await whenStatus(created.id, 'synced');
    expect(live.remoteId).toBe((await remoteApproval(waiting.proposal!.approvalId)).instance_id);
    const rows = (await consumables()).filter((r) => r.title === cannula(supplier).name);
    expect(rows.map((r) => r.id)).toEqual([created.id]);
  });

  it('a proposal whose reply was lost is found among the submissions, not filed twice', async () => {
    await connect('member');
    const supplier = await supplierId('Doric Lenses');
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST', pathIncludes: C });
    const created = await app.client.call('records.create', { connectionId, kind: 'consumable', fields: cannula(supplier) });
    const waiting = await whenStatus(created.id, 'awaiting_approval');
    const mine = (await remoteAll(A, 'consumable_approvals')).filter((a) => a.name === cannula(supplier).name);
    expect(mine).toHaveLength(1);
    expect(waiting.proposal!.approvalId).toBe(mine[0].id);
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(1);
    const lookup = sent.find((r) => r.url.pathname === A && r.url.searchParams.get('filter{name}') === cannula(supplier).name)!;
    expect(lookup.url.searchParams.get('filter{action}')).toBe('Add');
  });

  it('a rejected Change keeps the live values; edit-and-resubmit files a new proposal; discarding restores the record', async () => {
    await connect('member');
    const triton = await byTitle('Triton X-100');
    const live = (await api('GET', `${C}${triton.remoteId}/`, 'member')).json.consumable;
    const first = 'Non-ionic detergent; 0.3% in PBS for permeabilisation.';
    await app.client.call('records.update', { id: triton.id, fields: { description: first } });
    const proposed = await whenStatus(triton.id, 'awaiting_approval');
    expect(sent.filter((r) => r.method === 'PATCH').map((r) => [r.url.pathname, r.body])).toEqual([[`${C}${triton.remoteId}/`, { description: first }]]);
    expect(proposed.fields.description).toBe(live.description);
    expect(proposed.proposal).toMatchObject({ action: 'Change', status: 'Pending', fields: { description: first, name: 'Triton X-100' } });
    // Edits wait for the decision.
    expect((await failure(app.client.call('records.update', { id: triton.id, fields: { description: 'x' } }))).code).toBe('conflict');

    expect((await api('PATCH', `${A}${proposed.proposal!.approvalId}/reject/`, 'admin')).status).toBe(200);
    const rejected = await whenStatus(triton.id, 'rejected');
    expect(rejected.proposal).toMatchObject({ status: 'Rejected', approvalId: proposed.proposal!.approvalId });
    expect(rejected.proposal!.message).toMatch(/rejected/);
    expect(rejected.fields.description).toBe(live.description);
    expect((await api('GET', `${C}${triton.remoteId}/`, 'member')).json.consumable).toEqual(live);

    const second = 'Non-ionic detergent for permeabilisation (0.3% v/v).';
    await app.client.call('records.update', { id: triton.id, fields: { description: second, comments: 'Gave the concentration as v/v.' } });
    const resubmitted = await whenStatus(triton.id, 'awaiting_approval');
    expect(resubmitted.proposal!.approvalId).not.toBe(proposed.proposal!.approvalId);
    expect(await remoteApproval(resubmitted.proposal!.approvalId)).toMatchObject({ action: 'Change', instance_id: triton.remoteId, description: second, comments: 'Gave the concentration as v/v.', status: 'Pending' });

    expect((await api('PATCH', `${A}${resubmitted.proposal!.approvalId}/reject/`, 'admin')).status).toBe(200);
    await whenStatus(triton.id, 'rejected');
    expect(await app.client.call('records.discardProposal', { id: triton.id })).toEqual({ id: triton.id, removed: false });
    const restored = await get(triton.id);
    expect(restored.status).toBe('synced');
    expect(restored.proposal).toBeNull();
    expect(restored.fields).toMatchObject({ description: live.description, comments: '' });
  });

  it('an edit made while a Change is on its way waits for the decision, then is proposed on top of the accepted values', async () => {
    await connect('member');
    const triton = await byTitle('Triton X-100');
    const first = 'Non-ionic detergent; 0.3% in PBS for permeabilisation.';
    let editedDuringSend = false;
    intercept = async (req) => {
      if (!editedDuringSend && req.method === 'PATCH') {
        editedDuringSend = true;
        await app.client.call('records.update', { id: triton.id, fields: { rrid: 'RRID:SCR_000001' } });
      }
      return undefined;
    };
    await app.client.call('records.update', { id: triton.id, fields: { description: first } });
    const held = await waitFor('the later edit to be held', async () => {
      const r = await get(triton.id);
      return r.proposal?.status === 'Pending' && r.ops[0]?.state === 'held_decision' ? r : undefined;
    });
    expect(held.ops).toHaveLength(1);
    expect(held.fields.rrid).toBe('RRID:SCR_000001');
    await waitFor('a poll of the pending proposal', async () => polls().length > 0);
    expect(sent.filter((r) => r.method === 'PATCH')).toHaveLength(1);

    expect((await api('PATCH', `${A}${held.proposal!.approvalId}/accept/`, 'admin')).status).toBe(200);
    const next = await waitFor('the held edit to be proposed', async () => {
      const r = await get(triton.id);
      return r.status === 'awaiting_approval' && r.proposal!.approvalId !== held.proposal!.approvalId ? r : undefined;
    });
    expect(sent.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([{ description: first }, { rrid: 'RRID:SCR_000001' }]);
    // Built on the live record as accepted: the first change is not undone by the second proposal.
    expect(await remoteApproval(next.proposal!.approvalId)).toMatchObject({ action: 'Change', description: first, rrid: 'RRID:SCR_000001', status: 'Pending' });
    expect(next.fields.description).toBe(first);
  });

  it('a taken name is refused offline with the server’s words; one taken by a submission we cannot see comes back as its 400', async () => {
    await connect('member');
    const supplier = await supplierId('Sigma-Aldrich');
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    const bad = {
      name: ' Kapton polyimide tape ',
      type: 'ChemicalReagent',
      supplier,
      details: ['Detergent'],
      rrid: 'SCR_001',
      external_identifiers: [{ Source: 'NCBI' }, { Source: 'DOI', Identifier: '10.1/x', URL: 'not a url' }],
      description: 'd'.repeat(501),
    };
    const server = await api('POST', C, 'member', bad);
    expect(server.status).toBe(400);
    const local = await failure(app.client.call('records.create', { connectionId, kind: 'consumable', fields: bad }));
    expect(local.code).toBe('validation');
    expect(local.fieldErrors).toEqual(server.json);
    expect(local.fieldErrors.rrid).toEqual(["Must start with 'RRID:'."]);

    const taken = { name: 'Triton X-100', type: 'ChemicalReagent', supplier };
    expect((await api('POST', C, 'member', taken)).json).toEqual({ name: [NAME_TAKEN] });
    expect((await failure(app.client.call('records.create', { connectionId, kind: 'consumable', fields: taken }))).fieldErrors).toEqual({ name: [NAME_TAKEN] });
    // Renaming another consumable to it is refused the same way.
    const dapi = await byTitle('DAPI dihydrochloride');
    expect((await failure(app.client.call('records.update', { id: dapi.id, fields: { name: 'Triton X-100' } }))).fieldErrors).toEqual({ name: [NAME_TAKEN] });
    expect(await app.client.call('outbox.list', {})).toEqual([]);

    // Someone else's pending Add holds the name on the server, where this user cannot see it.
    const elsewhere = { name: 'Kwik-Sil silicone elastomer', type: 'ImplantMaterial', supplier };
    expect((await api('POST', C, 'other', elsewhere)).status).toBe(201);
    const mine = await app.client.call('records.create', { connectionId, kind: 'consumable', fields: elsewhere });
    await app.client.call('connections.setPaused', { id: connectionId, paused: false });
    const refused = await whenStatus(mine.id, 'rejected');
    expect(refused.ops[0]!.fieldErrors).toEqual({ name: [NAME_TAKEN] });
    expect(refused.ops[0]!.error).toContain(NAME_TAKEN);
    expect(refused.proposal).toBeNull();
  });
});

describe('brainstem consumables: reviewers', () => {
  it('a reviewer sees the queue, decides offline, and the decisions reach BrainSTEM when it is back; deletes are sent', async () => {
    await connect('admin', { reviewer: 'yes' });
    const pending = (await remoteAll(A, 'consumable_approvals', 'admin')).filter((a) => a.status === 'Pending');
    expect(pending.length).toBeGreaterThanOrEqual(3);
    const queue = await app.client.call('approvals.list', { connectionId });
    expect(queue.map((a) => a.approvalId).sort()).toEqual(pending.map((a) => a.id).sort());
    const tdTomato = queue.find((a) => a.title === 'AAV9-CAG-FLEX-tdTomato')!;
    const probe = queue.find((a) => a.title === 'ASSY-156 P1')!;
    const pfa = queue.find((a) => a.action === 'Change')!;
    expect(tdTomato).toMatchObject({ action: 'Add', status: 'Pending', liveFields: null, queuedDecision: null });
    expect(tdTomato.fields).toMatchObject({ type: 'VirusConstruct', rrid: 'RRID:Addgene_28306', comments: 'Needed for the retrograde labelling pilot.' });
    expect(pfa.liveFields!.name).toBe(pfa.fields.name);
    expect(pfa.liveFields!.description).not.toBe(pfa.fields.description);

    emulator.faults.set({ offline: true });
    await app.client.call('approvals.decide', { connectionId, approvalId: tdTomato.approvalId, decision: 'accept' });
    await app.client.call('approvals.decide', { connectionId, approvalId: probe.approvalId, decision: 'reject' });
    const swabs = await byTitle('Sterile absorbent swabs');
    await app.client.call('records.delete', { id: swabs.id, reason: 'No longer in the lab' });
    const queued = await app.client.call('approvals.list', { connectionId });
    expect(queued.find((a) => a.approvalId === tdTomato.approvalId)!.queuedDecision).toBe('accept');
    expect(queued.find((a) => a.approvalId === probe.approvalId)!.queuedDecision).toBe('reject');
    expect((await app.client.call('outbox.list', {})).map((o) => o.type)).toEqual(['accept', 'reject', 'delete']);
    await waitFor('offline', async () => (await app.client.call('sync.status', {}))[0]!.state === 'offline');

    sent = []; // attempts while offline never reached the server
    emulator.faults.set({ offline: false });
    await app.client.call('sync.now', { connectionId });
    await waitForDrain(app, connectionId);
    const decisions = sent.filter((r) => r.method === 'PATCH');
    // Each decision sent once (the engine keeps order per record, not across records: a retry may reorder them).
    expect(decisions.map((r) => r.url.pathname).sort()).toEqual([`${A}${tdTomato.approvalId}/accept/`, `${A}${probe.approvalId}/reject/`].sort());
    expect(decisions.every((r) => r.body === undefined)).toBe(true);
    expect(await remoteApproval(tdTomato.approvalId)).toMatchObject({ status: 'Accepted', reviewer: BRAINSTEM_USER_IDS.admin });
    expect(await remoteApproval(probe.approvalId)).toMatchObject({ status: 'Rejected', reviewer: BRAINSTEM_USER_IDS.admin });
    expect((await api('GET', `${C}${swabs.remoteId}/`, 'admin')).status).toBe(404);

    // The pull after the decisions: the queue holds what is left, the accepted Add is a live record here.
    await waitFor('the queue to refresh', async () => {
      const left = await app.client.call('approvals.list', { connectionId });
      return left.length === pending.length - 2 && left.every((a) => a.status === 'Pending') ? left : undefined;
    });
    const live = await waitFor('the accepted consumable', async () => byTitle('AAV9-CAG-FLEX-tdTomato'));
    expect(live.remoteId).toBe((await remoteApproval(tdTomato.approvalId)).instance_id);
    expect((await consumables()).some((r) => r.id === swabs.id)).toBe(false);
  });

  it('deciding and deleting need the reviewer setting; on a non-administrator token the server’s 403 is the decision’s error', async () => {
    await connect('member');
    const seeded = (await remoteAll(A, 'consumable_approvals')).find((a) => a.name === 'AAV9-CAG-FLEX-tdTomato')!;
    const refused = await failure(app.client.call('approvals.decide', { connectionId, approvalId: seeded.id, decision: 'accept' }));
    expect(refused.code).toBe('read_only');
    const swabs = await byTitle('Sterile absorbent swabs');
    const noDelete = await failure(app.client.call('records.delete', { id: swabs.id, reason: 'No longer in the lab' }));
    expect(noDelete.code).toBe('read_only');
    expect(noDelete.message).toContain('This token belongs to a BrainSTEM administrator');
    expect(await app.client.call('outbox.list', {})).toEqual([]);
    expect((await get(swabs.id)).deleted).toBe(false);

    // The same token claimed as a reviewer's: its own submissions make the queue, and the server says no.
    const c = (await app.client.call('connections.list', {}))[0]!;
    await app.client.call('connections.save', { id: c.id, system: 'brainstem', name: c.name, baseUrl: c.baseUrl, settings: { reviewer: 'yes' } });
    const queue = await waitFor('the reviewer queue', async () => {
      const q = await app.client.call('approvals.list', { connectionId });
      return q.length > 0 ? q : undefined;
    });
    expect(queue.map((a) => a.approvalId)).toContain(seeded.id);
    await app.client.call('approvals.decide', { connectionId, approvalId: seeded.id, decision: 'accept' });
    await app.client.call('records.delete', { id: swabs.id, reason: 'No longer in the lab' });
    const decided = await waitFor('the refusal', async () => {
      const a = (await app.client.call('approvals.list', { connectionId })).find((x) => x.approvalId === seeded.id);
      return a?.decisionError ? a : undefined;
    });
    expect(decided.decisionError).toBe(FORBIDDEN);
    const notDeleted = await whenStatus(swabs.id, 'rejected');
    expect(notDeleted.ops[0]!.error).toBe(FORBIDDEN);
    expect((await remoteApproval(seeded.id)).status).toBe('Pending');
    expect((await api('GET', `${C}${swabs.remoteId}/`, 'member')).status).toBe(200);
  });
});

describe('brainstem consumables: polling within the request budget', () => {
  it('with 30 proposals awaiting a decision, an edit made while they are polled goes out before the next poll batch', async () => {
    await app.close();
    app = await startApp(dir.path, { ...FAST_SYNC, proposalPollMs: POLL_MS, rateLimitFor: () => [{ limit: 50, windowMs: 1_000 }] });
    await connect('member');
    const supplier = await supplierId('Thorlabs');
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await app.client.call('records.create', { connectionId, kind: 'consumable', fields: { name: `Ferrule sleeve ${i}`, type: 'OpticalComponent', supplier } });
      ids.push(r.id);
    }
    const triton = await byTitle('Triton X-100');
    let edited = false;
    intercept = async (req) => {
      if (!edited && req.url.pathname === A && req.url.searchParams.has('filter{id.in}')) {
        edited = true;
        // Queued while the first batch is on its way: it must not wait for the rest of the poll.
        await app.client.call('records.update', { id: triton.id, fields: { description: 'Non-ionic detergent (poll test).' } });
      }
      return undefined;
    };
    await app.client.call('connections.setPaused', { id: connectionId, paused: false });
    await waitFor('the edit to be proposed', async () => (await get(triton.id)).status === 'awaiting_approval', 20_000);
    await waitFor('both poll batches', async () => polls().length >= 2);

    const order = sent
      .filter((r) => r.method === 'PATCH' || polls().includes(r))
      .map((r) => (r.method === 'PATCH' ? 'edit' : `poll ${r.url.searchParams.getAll('filter{id.in}').length}`));
    expect(order.slice(0, 3)).toEqual(['poll 25', 'edit', 'poll 5']);
    // Every proposal was sent before the first poll.
    const firstPoll = sent.indexOf(polls()[0]!);
    expect(sent.slice(0, firstPoll).filter((r) => r.method === 'POST')).toHaveLength(30);
    for (const id of ids) expect((await get(id)).status).toBe('awaiting_approval');
  });
});
