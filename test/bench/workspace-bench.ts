import { loadavg } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import WebSocket from 'ws';
import { createAppCore } from '../../src-main/core/app-core';
import { startHeadlessServer } from '../../src-main/transports/headless-server';
import type { SystemId } from '../../src-shared/domain/record-kinds';
import { systemProfile } from '../../src-shared/domain/remotes';
import { tempDir } from '../integration/harness';
import { rawSearch } from './raw-search';
import { spawnSandbox } from './sandbox-process';
import { percentile, round, rssSampler } from './stats';
import { benchTypeToList, type TypeToListFigures } from './type-to-list';

/**
 * Big-workspace figures: a 100k-record BrainSTEM equipment pull (time, peak memory, IPC round trip
 * while it runs vs idle), search over ~100k mixed records (vs the same statements in raw SQL, and
 * vs the query the list ran before migrations/0008), typing in the search box in Chromium
 * (type-to-list.ts), and a cold start to the first page. Emulators run in their own processes;
 * the app core runs here.
 */
export interface WorkspaceFigures extends TypeToListFigures {
  equipmentRecords: number;
  pullMs: number;
  pullRecordsPerSecond: number;
  peakRssMb: number;
  ipcIdleP99Ms: number;
  ipcDuringPullP99Ms: number;
  ipcP99Ratio: number;
  mixedRecords: number;
  searchP95Ms: number;
  rawSqlP95Ms: number;
  searchOverRawSql: number;
  /** The query the list ran before migrations/0008, raw, on the same mirror. */
  previousQueryRawSqlP95Ms: number;
  previousOverRawSql: number;
  /** 1-minute load average before and after the search figures (2 cores here: above 2 means waiting for a core). */
  loadAverage: [number, number];
  coldStartFirstPageMs: number;
  rawOpenFirstPageMs: number;
  coldStartOverRaw: number;
}

const FAST = [{ limit: 100_000, windowMs: 1_000 }];
const QUERIES = ['microscope', 'amp', 'veeco mbe', 'hplc agilent', 'rig 2', 'laser', 'balance', 'sputter', 'ephys', 'camera'];

/** Round trips over the headless websocket: the same path the UI's requests take. */
async function ipcClient(url: string) {
  const u = new URL(url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token')!;
  const ws = new WebSocket(`ws://${u.host}/ipc?token=${token}`, { origin: u.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const waiting = new Map<number, () => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number };
    if (typeof msg.id === 'number') waiting.get(msg.id)?.();
  });
  const call = (method: string, payload: unknown) =>
    new Promise<number>((resolve) => {
      const n = ++id;
      const t = performance.now();
      waiting.set(n, () => {
        waiting.delete(n);
        resolve(performance.now() - t);
      });
      ws.send(JSON.stringify({ id: n, method, payload }));
    });
  return { call, close: () => ws.close() };
}

async function sample(call: () => Promise<number>, until: () => boolean, minSamples = 40): Promise<number[]> {
  const out: number[] = [];
  while (!until() || out.length < minSamples) {
    out.push(await call());
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

export async function benchWorkspace(equipmentRecords = 100_000): Promise<WorkspaceFigures> {
  const dir = tempDir('benchsync-bench-ws-');
  const brainstem = await spawnSandbox(['--only', 'brainstem', '--records', String(equipmentRecords), '--no-rate-limit']);
  const others = await spawnSandbox(['--only', 'cannlytics,atomscale', '--records', '9000', '--no-rate-limit']);
  const core = await createAppCore({
    dataDir: dir.path,
    transport: 'headless',
    sync: { rateLimitFor: () => FAST, pullIntervalMs: 60 * 60_000, requestTimeoutMs: 60_000 },
  });
  const server = await startHeadlessServer({ core, rendererDir: join(process.cwd(), 'out', 'renderer') });
  const ipc = await ipcClient(server.url);
  const pulled = async (id: string) => {
    const s = (await core.dispatch('sync.status', {})) as { ok: true; value: { connectionId: string; lastPullAt: string | null }[] };
    return Boolean(s.value.find((x) => x.connectionId === id)?.lastPullAt);
  };
  const connect = async (system: SystemId, d: (typeof brainstem.description)[string]) => {
    const settings: Record<string, string> = {};
    for (const s of systemProfile(system).settings) if (typeof d[s.name] === 'string') settings[s.name] = d[s.name] as string;
    const r = await core.dispatch('connections.save', { system, name: system, baseUrl: d.baseUrl, settings, apiKey: d.users.member });
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as { id: string }).id;
  };
  try {
    // The same cheap request idle and during the pull: what it measures is how long the core's
    // event loop makes a UI request wait.
    const idle = await sample(() => ipc.call('app.info', {}), () => true, 100);

    // 1. The 100k-record equipment pull, with the UI asking for status every 20 ms meanwhile.
    const memory = rssSampler();
    const t0 = performance.now();
    const bsId = await connect('brainstem', brainstem.description.brainstem!);
    let done = false;
    const during = sample(() => ipc.call('app.info', {}), () => done);
    while (!(await pulled(bsId))) await new Promise((r) => setTimeout(r, 100));
    const pullMs = performance.now() - t0;
    done = true;
    const duringPull = await during;
    const peakRssMb = memory.stop();

    // 2. Search over the mixed workspace.
    const cId = await connect('cannlytics', others.description.cannlytics!);
    const aId = await connect('atomscale', others.description.atomscale!);
    while (!(await pulled(cId)) || !(await pulled(aId))) await new Promise((r) => setTimeout(r, 100));
    const total = ((await core.dispatch('records.list', { limit: 1 })) as { ok: true; value: { total: number } }).value.total;
    const loadBefore = loadavg()[0]!;
    const search: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const text of QUERIES) search.push(await ipc.call('records.list', { text, limit: 100 }));
    }
    const raw = rawSearch(join(dir.path, 'benchsync.sqlite'));
    const rawTimes: number[] = [];
    const previousTimes: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const text of QUERIES) {
        rawTimes.push(raw.page(text));
        previousTimes.push(raw.previous(text));
      }
    }
    const typing = await benchTypeToList(server.url, raw);
    raw.close();
    const loadAfter = loadavg()[0]!;

    // 3. Cold start: a new core on the same folder, remotes gone, until the first page is served.
    ipc.close();
    await server.close();
    await core.close();
    await brainstem.stop();
    await others.stop();
    const t1 = performance.now();
    const cold = await createAppCore({ dataDir: dir.path, transport: 'headless' });
    await cold.dispatch('records.list', { limit: 100 });
    const coldStartFirstPageMs = performance.now() - t1;
    await cold.close();
    const t2 = performance.now();
    const again = new BetterSqlite3(join(dir.path, 'benchsync.sqlite'), { readonly: true });
    again.prepare('SELECT id, title, subtitle, status FROM records ORDER BY title COLLATE NOCASE, id LIMIT 100').all();
    again.prepare('SELECT count(*) FROM records').get();
    const rawOpenFirstPageMs = performance.now() - t2;
    again.close();

    const searchP95Ms = percentile(search, 95);
    const rawSqlP95Ms = percentile(rawTimes, 95);
    const previousQueryRawSqlP95Ms = percentile(previousTimes, 95);
    const ipcIdleP99Ms = percentile(idle, 99);
    const ipcDuringPullP99Ms = percentile(duringPull, 99);
    return {
      equipmentRecords,
      pullMs: Math.round(pullMs),
      pullRecordsPerSecond: Math.round(equipmentRecords / (pullMs / 1000)),
      peakRssMb,
      ipcIdleP99Ms: round(ipcIdleP99Ms, 2),
      ipcDuringPullP99Ms: round(ipcDuringPullP99Ms, 2),
      ipcP99Ratio: round(ipcDuringPullP99Ms / ipcIdleP99Ms, 2),
      mixedRecords: total,
      searchP95Ms: round(searchP95Ms, 2),
      rawSqlP95Ms: round(rawSqlP95Ms, 2),
      searchOverRawSql: round(searchP95Ms / rawSqlP95Ms, 2),
      previousQueryRawSqlP95Ms: round(previousQueryRawSqlP95Ms, 2),
      previousOverRawSql: round(previousQueryRawSqlP95Ms / rawSqlP95Ms, 1),
      ...typing,
      loadAverage: [round(loadBefore, 2), round(loadAfter, 2)],
      coldStartFirstPageMs: Math.round(coldStartFirstPageMs),
      rawOpenFirstPageMs: round(rawOpenFirstPageMs, 1),
      coldStartOverRaw: round(coldStartFirstPageMs / rawOpenFirstPageMs, 1),
    };
  } finally {
    await brainstem.stop().catch(() => undefined);
    await others.stop().catch(() => undefined);
    dir.remove();
  }
}
