import { rateLimitBoundMs } from '../../src-main/core/sync/rate-limiter';
import { catalogConnector } from '../../src-main/connectors/catalog/catalog-connector';
import { createRandom } from '../sandbox/common/random';
import { startApp, tempDir, waitFor, waitForDrain } from '../integration/harness';
import { spawnSandbox } from './sandbox-process';

/**
 * Catalog figures, against the emulator with its limit scaled up (and ours with it, so the engine
 * still paces itself by the published shape: N per second AND M per minute).
 */
export interface CatalogFigures {
  rateLimitScale: number;
  drainEdits: number;
  drainMs: number;
  drainBoundMs: number;
  drainOverBound: number;
  rateLimited429: number;
  coalesceEdits: number;
  coalesceRecords: number;
  requestsSent: number;
  requestsPerEdit: number;
}

export async function benchCatalog(scale = 20): Promise<CatalogFigures> {
  const windows = catalogConnector.rateLimit.map((w) => ({ limit: w.limit * scale, windowMs: w.windowMs }));
  // The emulator in its own process, as a real remote is: its work is not the app's.
  const sandbox = await spawnSandbox(['--only', 'catalog', '--rate-scale', String(scale)]);
  const emulator = sandbox.description.catalog!;
  const dir = tempDir('benchsync-bench-');
  const app = await startApp(dir.path, {
    retryBackoff: { baseMs: 200, maxMs: 2_000 },
    connectionBackoff: { baseMs: 200, maxMs: 2_000 },
    pullIntervalMs: 10 * 60_000,
    rateLimitFor: () => windows,
  });
  try {
    const connection = await app.client.call('connections.save', {
      system: 'catalog',
      name: 'Bench',
      baseUrl: emulator.baseUrl,
      settings: {},
      apiKey: emulator.users.member!,
    });
    const id = connection.id;
    await waitFor('first pull', async () => (await app.client.call('sync.status', {}))[0]?.lastPullAt, 30_000);
    const sync = app.core.engine.sync(id)!;

    // 1. Drain 200 queued creates, measured against the fastest the limit allows for 200 requests.
    const drainEdits = 200;
    await app.client.call('connections.setPaused', { id, paused: true });
    for (let i = 0; i < drainEdits; i++) {
      await app.client.call('records.create', {
        connectionId: id,
        kind: 'instrument',
        fields: { name: `Bench pipette ${String(i).padStart(3, '0')}`, description: 'Eppendorf Research plus', category_id: 1 },
      });
    }
    // Let the limiter's windows empty so the drain starts from rest, like the bound assumes.
    await new Promise((r) => setTimeout(r, 1_100));
    const before429 = sync.rateLimitedAnswers;
    const t0 = performance.now();
    await app.client.call('connections.setPaused', { id, paused: false });
    // Done when the engine has recorded every acknowledgement in the mirror: read from its
    // in-memory counter, so watching costs the drain nothing (a status call every few ms would).
    const ackedBefore = sync.acknowledgedOps;
    await waitFor('drain', async () => sync.acknowledgedOps - ackedBefore >= drainEdits, 120_000, 2);
    const drainMs = performance.now() - t0;
    if ((await app.client.call('sync.status', {}))[0]!.pending !== 0) throw new Error('The drain left edits pending.');
    // The resume also pulls once (3 requests) after the pushes.
    const drainBoundMs = rateLimitBoundMs(windows, drainEdits);
    const rateLimited429 = sync.rateLimitedAnswers - before429;
    await waitForDrain(app, id, 60_000);

    // 2. 1,000 edits hitting 50 records while online: requests actually sent per edit.
    const own = (await app.client.call('records.list', { text: 'Bench pipette', limit: 50 })).items;
    const random = createRandom(42);
    const requestsBefore = sync.requestsSent;
    const coalesceEdits = 1_000;
    for (let i = 0; i < coalesceEdits; i++) {
      const rec = own[random.int(0, own.length - 1)]!;
      await app.client.call('records.update', { id: rec.id, fields: { description: `Checked ${i}: volume ${random.int(10, 1000)} µL` } });
    }
    await waitForDrain(app, id, 120_000);
    const requestsSent = sync.requestsSent - requestsBefore;
    return {
      rateLimitScale: scale,
      drainEdits,
      drainMs: Math.round(drainMs),
      drainBoundMs,
      drainOverBound: round(drainMs / drainBoundMs),
      rateLimited429,
      coalesceEdits,
      coalesceRecords: own.length,
      requestsSent,
      requestsPerEdit: round(requestsSent / coalesceEdits),
    };
  } finally {
    await app.close();
    await sandbox.stop();
    dir.remove();
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
