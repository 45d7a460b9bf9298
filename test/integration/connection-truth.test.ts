import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { connectTo, FAST_SYNC, remoteGet, startApp, tempDir, type TestApp, waitFor } from './harness';

/**
 * What the connection status says of each connection, against the real emulators: whom its key
 * acts as (derived in main from what the remote answers; no remote names the key's holder), the
 * last check, and the reviewer's queue brought in when a proposal is made, between pulls.
 */

let sandbox: Sandbox;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimitScale: 10 });
  dir = tempDir();
  // Pulls are rare here (BrainSTEM's own interval is 5 min): anything new must come without one.
  app = await startApp(dir.path, { ...FAST_SYNC, pullIntervalMs: 10 * 60_000, rateLimitFor: (s) => (s === 'catalog' ? [{ limit: 20, windowMs: 1_000 }] : undefined) });
});

afterAll(async () => {
  await app?.close();
  await sandbox?.close();
  dir?.remove();
});

const statusOf = async (id: string) => (await app.client.call('sync.status', {})).find((s) => s.connectionId === id)!;

describe('connection status: the account and the last check', () => {
  it('each remote’s account, from the first pull and again from a check', async () => {
    const { catalog, cannlytics, atomscale, brainstem } = sandbox.emulators as Required<Sandbox['emulators']>;
    const own = (await remoteGet(catalog.baseUrl, '/myinstruments/', catalog.users.member!)).data.length as number;
    const owners = [...new Set(((await remoteGet(atomscale.baseUrl, '/instruments/synthesis/', '', { 'x-api-key': atomscale.users.member! })) as { user_name: string }[]).map((i) => i.user_name))].sort();
    const equipment = (await remoteGet(brainstem.baseUrl, '/api/private/modules/equipment/?limit=1', brainstem.users.member!)).count as number;
    expect(own).toBeGreaterThan(0);
    expect(owners.length).toBeGreaterThan(2);
    expect(equipment).toBeGreaterThan(0);

    const expected = [
      [await connectTo(app, catalog), `owner of ${own} instruments`],
      [await connectTo(app, cannlytics, 'member', { organizationId: String(cannlytics.extra.organizationId) }), `member of ${String(cannlytics.extra.organizationId)}`],
      [await connectTo(app, atomscale), `organization of ${owners[0]}, ${owners[1]} +${owners.length - 2}`],
      [await connectTo(app, brainstem), `token that sees ${equipment} equipment records`],
    ] as const;
    for (const [c, label] of expected) {
      expect((await statusOf(c.id)).account, c.system).toEqual({ label, named: false });
      expect((await statusOf(c.id)).lastCheck).toBeNull();
      const check = await app.client.call('connections.check', { id: c.id });
      expect(check, c.system).toMatchObject({ ok: true, outcome: 'ok' });
      expect((await statusOf(c.id)).account).toEqual({ label, named: false });
      expect((await statusOf(c.id)).lastCheck).toMatchObject({ ok: true, outcome: 'ok', message: check.message });
    }
    // Nothing of any key is in what the renderer is sent.
    const everything = JSON.stringify(await app.client.call('sync.status', {}));
    for (const e of [catalog, cannlytics, atomscale, brainstem]) for (const key of Object.values(e.users)) expect(everything).not.toContain(key);
  });

  it('a new key forgets what the old one was, and a refused one is checked as refused', async () => {
    const { catalog } = sandbox.emulators as Required<Sandbox['emulators']>;
    const c = (await app.client.call('connections.list', {})).find((x) => x.system === 'catalog')!;
    const othersOwn = (await remoteGet(catalog.baseUrl, '/myinstruments/', catalog.users.other!)).data.length as number;
    await app.client.call('connections.save', { id: c.id, system: 'catalog', name: c.name, baseUrl: c.baseUrl, apiKey: catalog.users.other! });
    await waitFor('the other key’s account', async () => (await statusOf(c.id)).account?.label === `owner of ${othersOwn} instruments` || undefined);
    expect((await statusOf(c.id)).lastCheck).toBeNull();

    await app.client.call('connections.save', { id: c.id, system: 'catalog', name: c.name, baseUrl: c.baseUrl, apiKey: 'MQ.not-a-real-signature' });
    const check = await app.client.call('connections.check', { id: c.id });
    expect(check).toMatchObject({ ok: false, outcome: 'refused', message: expect.stringMatching(/rejected the API key/) });
    const status = await statusOf(c.id);
    expect(status.account).toBeNull();
    expect(status.lastCheck).toMatchObject({ outcome: 'refused' });
    await app.client.call('connections.save', { id: c.id, system: 'catalog', name: c.name, baseUrl: c.baseUrl, apiKey: catalog.users.member! });
  });
});

describe('the reviewer’s queue', () => {
  it('a proposal made by another connection of this app reaches the reviewer’s queue without a pull; opening the queue fetches it', async () => {
    const { brainstem } = sandbox.emulators as Required<Sandbox['emulators']>;
    const member = (await app.client.call('connections.list', {})).find((x) => x.system === 'brainstem')!;
    const admin = await app.client.call('connections.save', {
      system: 'brainstem',
      name: 'BrainSTEM (admin)',
      baseUrl: `${brainstem.baseUrl}/`,
      settings: { reviewer: 'yes' },
      apiKey: brainstem.users.admin!,
    });
    const pulledAt = await waitFor('the reviewer’s first pull', async () => (await statusOf(admin.id)).lastPullAt);
    const suppliers = await app.client.call('categories.list', { connectionId: member.id, source: 'suppliers' });
    const name = 'Pilot cohort cannula, 200 µm, NA 0.37';
    const proposal = await app.client.call('records.create', {
      connectionId: member.id,
      kind: 'consumable',
      fields: {
        name,
        type: 'OpticFiberDesign',
        supplier: suppliers[0]!.remoteId,
        description: 'Mono fiber-optic cannula, 200 µm core.',
        details: { productId: 'MFC_200/245-0.37_3mm_ZF1.25_FLT', tipDescription: 'flat', coreDiameter: 200, outerDiameter: 245, aperture: 0.37 },
        rrid: '',
        external_identifiers: [],
        comments: 'For the pilot cohort.',
      },
    });
    await waitFor('the proposal', async () => (await app.client.call('records.get', { id: proposal.id })).status === 'awaiting_approval' || undefined);
    const queued = await waitFor('the proposal in the reviewer’s queue', async () =>
      (await app.client.call('approvals.list', { connectionId: admin.id })).find((a) => a.title === name && a.status === 'Pending'),
    );
    expect(queued.action).toBe('Add');
    // The queue alone came in: the reviewer's connection did not pull everything again.
    expect((await statusOf(admin.id)).lastPullAt).toBe(pulledAt);
    // Opening the queue asks the reviewer connections (only those) to fetch it.
    expect(await app.client.call('approvals.refresh', {})).toEqual({ started: 1 });
  });
});
