import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { contract, isMethod, type Method } from '../../src-shared/contract';
import { type ContractTransport } from '../../src-shared/contract/client';
import { contractError } from '../../src-shared/contract/common';
import { createAppCore, type AppCore } from '../../src-main/core/app-core';
import { CLOSE, startHeadlessServer, type HeadlessServer } from '../../src-main/transports/headless-server';
import { inProcessTransport } from '../../src-main/transports/in-process';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, tempDir, waitFor } from './harness';

/**
 * Every method of the contract, fed what a broken or hostile client could send, through the
 * in-process transport (structured clone, as Electron's IPC: NaN, cycles, Dates get through) and
 * the headless websocket (JSON): each reply is a contract error (invalid_request/validation), the
 * core logs nothing, and the database (a checksum of every table, read through a separate
 * read-only handle) is unchanged. The cases are generated from the contract table, so a new method
 * is covered by being added there. Also: bad tokens and origins, and a client that never reads.
 */
const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));
const METHODS = Object.keys(contract) as Method[];
const SEED = 20_250_611;

let sandbox: Sandbox;
let catalog: RunningEmulator;
let dir: ReturnType<typeof tempDir>;
let core: AppCore;
let server: HeadlessServer;
let inProcess: ContractTransport;
let reader: BetterSqlite3.Database;
const log: string[] = [];
let connectionId = '';
let recordId = '';
let baseline = '';
const counts = { inProcess: 0, websocket: 0, unknownMethods: 0, tokens: 0, origins: 0 };

/** Every row of every table but the migrator's, in a stable order. */
function checksum(): string {
  const hash = createHash('sha256');
  const tables = reader.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name`).all() as { name: string }[];
  for (const { name } of tables) {
    const rows = reader.prepare(`SELECT * FROM "${name}"`).raw().all().map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
    hash.update(`${name}\n${rows.sort().join('\n')}\n`);
  }
  return hash.digest('hex');
}

type Reply = Awaited<ReturnType<ContractTransport['invoke']>>;

function expectRefused(reply: Reply, what: string) {
  expect(reply.ok, what).toBe(false);
  if (reply.ok) return;
  expect(contractError.safeParse(reply.error).success, what).toBe(true);
  expect(['invalid_request', 'validation'], `${what}: ${reply.error.code} ${reply.error.message.slice(0, 300)}`).toContain(reply.error.code);
  // In words, bounded, and no stack.
  expect(reply.error.message.length, what).toBeLessThan(2_000);
  expect(reply.error.message, what).not.toMatch(/\n\s+at /);
}

// ---- payloads, from the schemas ----

type Shape = Record<string, z.ZodType>;
const shapeOf = (m: Method): Shape => (contract[m].request as unknown as { shape: Shape }).shape;

/** A value the field accepts, real ids where a field names one (so cases reach past "not found"). */
function sample(key: string, field: z.ZodType): unknown {
  const preferred = key === 'connectionId' ? [connectionId] : key === 'id' ? [recordId, connectionId] : [];
  for (const v of [...preferred, 'instrument', 'catalog', 'mine', 'accept', 'Sample', 1, 0, true, {}, []]) if (field.safeParse(v).success) return v;
  return undefined;
}

function base(m: Method): Record<string, unknown> {
  return Object.fromEntries(Object.entries(shapeOf(m)).map(([k, f]) => [k, sample(k, f)]).filter(([, v]) => v !== undefined));
}

const WRONG_TYPES: unknown[] = [42, -1, 1.5, 'x', '', true, null, [], {}, ['a'], { a: 1 }, 'x'.repeat(5_000), 2 ** 53 + 1];

function circular(): unknown {
  const o: Record<string, unknown> = { name: 'loop' };
  o.self = o;
  return o;
}
function nested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { name: v };
  return v;
}
// eslint-disable-next-line no-sparse-arrays
const HOSTILE: [string, () => unknown][] = [
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['circular', circular],
  ['nested 1000 deep', () => nested(1_000)],
  ['nested 40 deep', () => nested(40)],
  ['a Date', () => new Date(0)],
  ['a Map', () => new Map([['a', 1]])],
  ['a sparse list', () => [1, , 3]],
  ['a BigInt', () => 10n],
  ['2 MiB of text', () => 'x'.repeat(2 * 1_048_576)],
];

interface Case {
  what: string;
  method: Method;
  payload: unknown;
  /** Not JSON data: only the in-process transport can carry it. */
  hostile: boolean;
}

/** For each method: the wrong payload as a whole, each required field left out, each field of a wrong type, each field (and a value inside it) hostile. */
function casesFor(m: Method): Case[] {
  const schema = contract[m].request;
  const b = base(m);
  const out: Case[] = [];
  for (const p of [[], 'x', 42, true, [b]]) out.push({ what: `${m} payload ${JSON.stringify(p).slice(0, 40)}`, method: m, payload: p, hostile: false });
  for (const [key, field] of Object.entries(shapeOf(m))) {
    if (!field.safeParse(undefined).success) {
      const { [key]: _left, ...rest } = b;
      out.push({ what: `${m} without ${key}`, method: m, payload: rest, hostile: false });
    }
    for (const w of WRONG_TYPES) {
      if (!field.safeParse(w).success) out.push({ what: `${m} ${key}=${JSON.stringify(w).slice(0, 30)}`, method: m, payload: { ...b, [key]: w }, hostile: false });
    }
    for (const [name, make] of HOSTILE) {
      out.push({ what: `${m} ${key}=${name}`, method: m, payload: { ...b, [key]: make() }, hostile: true });
      // Inside a field that takes any object (a record's fields): where the schema cannot see it.
      if (field.safeParse({ name: 'x' }).success) out.push({ what: `${m} ${key}.name=${name}`, method: m, payload: { ...b, [key]: { name: make() } }, hostile: true });
    }
  }
  for (const c of out) if (!c.hostile) expect(schema.safeParse(c.payload).success, `${c.what} is meant to be invalid`).toBe(false);
  return out;
}

/** Not JSON data, by the test's own reading (independent of the core's check). */
function hostile(v: unknown, seen = new Set<unknown>()): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function') return true;
  if (typeof v !== 'object' || v === null) return false;
  if (seen.has(v)) return true;
  seen.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || v[i] === undefined || hostile(v[i], seen)) return true;
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return true;
  return Object.keys(v).some((k) => k === '__proto__' || hostile((v as Record<string, unknown>)[k], seen));
}

// ---- the websocket ----

interface Socket {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
  call(method: string, payload: unknown): Promise<Reply>;
  raw(text: string): Promise<Reply & { id?: number }>;
}

async function open(query = `?token=${server.token}`, headers: Record<string, string> = { origin: server.origin }): Promise<Socket> {
  const ws = new WebSocket(`ws://127.0.0.1:${new URL(server.origin).port}/ipc${query}`, { headers });
  const waiting: ((m: unknown) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { event?: string };
    if (!m.event) waiting.shift()?.(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on('error', () => undefined);
  let nextId = 1;
  const raw = (text: string) =>
    new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply within 10 s')), 10_000);
      waiting.push((m) => {
        clearTimeout(timer);
        resolve(m as Reply);
      });
      ws.send(text);
    });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    ws,
    closed,
    raw,
    call: (method, payload) => raw(JSON.stringify({ id: nextId++, method, payload })),
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['catalog'], rateLimitScale: 100, records: 300 });
  catalog = sandbox.emulators.catalog!;
  dir = tempDir('benchsync-fuzz-');
  core = await createAppCore({ dataDir: dir.path, transport: 'in-process', sync: FAST_SYNC, log: (m) => log.push(m) });
  inProcess = inProcessTransport(core);
  server = await startHeadlessServer({ core, rendererDir: RENDERER_DIR, limits: { stallMs: 2_000 } });
  const saved = await inProcess.invoke('connections.save', { system: 'catalog', name: 'Catalog', baseUrl: catalog.baseUrl, apiKey: catalog.users.member });
  if (!saved.ok) throw new Error(saved.error.message);
  connectionId = (saved.value as { id: string }).id;
  await waitFor(
    'the first pull',
    async () => {
      const s = await inProcess.invoke('sync.status', {});
      return s.ok && (s.value as { state: string; lastPullAt: string | null }[])[0]?.lastPullAt && (s.value as { state: string }[])[0]?.state === 'idle';
    },
    30_000,
  );
  // Nothing moves on its own from here: what changes the database is what the cases send.
  await inProcess.invoke('connections.setPaused', { id: connectionId, paused: true });
  const list = await inProcess.invoke('records.list', { limit: 1 });
  recordId = (list as { value: { items: { id: string }[] } }).value.items[0]!.id;
  reader = new BetterSqlite3(join(dir.path, 'benchsync.sqlite'), { readonly: true, fileMustExist: true });
  baseline = checksum();
}, 60_000);

afterAll(async () => {
  reader?.close();
  await server?.close();
  await core?.close();
  await sandbox?.close();
  dir?.remove();
  // What the run covered, for the report.
  console.log(`contract fuzz cases: ${JSON.stringify(counts)}`);
});

describe('contract fuzz', () => {
  it('covers every method of the contract table', () => {
    expect(METHODS.length).toBeGreaterThan(15);
    for (const m of METHODS) expect(casesFor(m).length, m).toBeGreaterThanOrEqual(5);
  });

  it('in process: every malformed or hostile payload of every method is a contract error and changes nothing', async () => {
    for (const m of METHODS) {
      for (const c of casesFor(m)) {
        expectRefused(await inProcess.invoke(c.method, c.payload), c.what);
        counts.inProcess++;
      }
      expect(checksum(), m).toBe(baseline);
    }
    // A payload a structured clone refuses (Electron's IPC throws on it before it leaves).
    expectRefused(await inProcess.invoke('records.create', { connectionId, kind: 'instrument', fields: { name: () => 1 } }), 'a function');
    expect(log).toEqual([]);
  }, 30_000);

  it('in process: random payloads (fast-check, seeded) the schema refuses, or that are not data, are refused', async () => {
    for (const m of METHODS) {
      const schema = contract[m].request;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue({ maxDepth: 4 }),
            fc.dictionary(fc.constantFrom(...Object.keys(shapeOf(m)), 'name', '__proto__'), fc.anything({ maxDepth: 3, withDate: true, withMap: true, withSet: true, withBigInt: true, withSparseArray: true, withTypedArray: true, withBoxedValues: true })),
            fc.anything({ maxDepth: 3, withDate: true, withSparseArray: true }).map((fields) => ({ ...base(m), fields: { name: fields } })),
          ),
          async (payload) => {
            const asSent = payload ?? {};
            fc.pre(!schema.safeParse(asSent).success || hostile(asSent));
            expectRefused(await inProcess.invoke(m, payload), `${m} ${String(JSON.stringify(payload, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))?.slice(0, 200)}`);
            counts.inProcess++;
          },
        ),
        { seed: SEED, numRuns: 40, endOnFailure: true },
      );
      expect(checksum(), m).toBe(baseline);
    }
    expect(log).toEqual([]);
  }, 30_000);

  it('unknown methods are refused in words, whatever their name', async () => {
    for (const name of ['records.dropEverything', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'records.list ', 'RECORDS.LIST', '', 'x'.repeat(100_000), 'a\u202Eb\nc']) {
      const r = await inProcess.invoke(name, {});
      expectRefused(r, `method ${name.slice(0, 30)}`);
      counts.unknownMethods++;
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 60 }), async (name) => {
        fc.pre(!isMethod(name));
        expectRefused(await inProcess.invoke(name, {}), `method ${JSON.stringify(name)}`);
        counts.unknownMethods++;
      }),
      { seed: SEED, numRuns: 100 },
    );
    // Electron's IPC may deliver a method that is not a string at all.
    for (const name of [42, null, { toString: null }, Object.create(null), ['records.list']]) expectRefused(await core.dispatch(name, {}), `method ${typeof name}`);
    expect(checksum()).toBe(baseline);
  });

  it('over the websocket: every malformed payload of every method is a contract error, and deep or huge JSON too', async () => {
    const s = await open();
    const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const m of METHODS) {
      for (const c of casesFor(m).filter((x) => !x.hostile)) {
        expectRefused(await s.call(c.method, c.payload), `ws ${c.what}`);
        counts.websocket++;
      }
      for (const [key, field] of Object.entries(shapeOf(m))) {
        const b = base(m);
        const holder = field.safeParse({ name: 'x' }).success ? { ...b, [key]: { name: '@@' } } : { ...b, [key]: '@@' };
        for (const [what, value] of [
          ['100,000 deep', DEEP],
          ['40 deep', JSON.stringify(nested(40))],
          ['900 KB of text', JSON.stringify('é'.repeat(450_000))],
        ] as const) {
          if (what === '900 KB of text' && !field.safeParse({ name: 'x' }).success && field.safeParse('é'.repeat(450_000)).success) continue;
          const text = `{"id":7,"method":${JSON.stringify(m)},"payload":${JSON.stringify(holder).replace('"@@"', value)}}`;
          expectRefused(await s.raw(text), `ws ${m} ${key} ${what}`);
          counts.websocket++;
        }
      }
      expect(checksum(), m).toBe(baseline);
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), fc.jsonValue({ maxDepth: 4 }), async (m, payload) => {
        fc.pre(!contract[m].request.safeParse(payload ?? {}).success);
        expectRefused(await s.call(m, payload), `ws ${m} ${JSON.stringify(payload)?.slice(0, 200)}`);
        counts.websocket++;
      }),
      { seed: SEED, numRuns: 300 },
    );
    // Frames that are not requests.
    for (const text of ['{"id": 1, "method": "records.create", "payload": ', 'null', '[]', '{"id":"1","method":"app.info"}', '{"id":1.5,"method":"app.info","payload":{}}', `"${'x'.repeat(1000)}"`]) {
      const r = await s.raw(text);
      expectRefused(r, `frame ${text.slice(0, 30)}`);
      counts.websocket++;
    }
    expect(checksum()).toBe(baseline);
    expect((await s.call('app.info', {})).ok).toBe(true);
    s.ws.close();
    // A frame over the 1 MiB limit closes that socket (1009), not the server.
    const big = await open();
    big.ws.send(JSON.stringify({ id: 1, method: 'records.lookup', payload: { code: 'x'.repeat(1_100_000) } }));
    expect((await big.closed).code).toBe(1009);
    expect(checksum()).toBe(baseline);
    expect(log).toEqual([]);
  }, 40_000);

  it('a wrong token of any kind, a non-ASCII one of the right length included, is refused with 4401', async () => {
    const t = server.token;
    const tries = [
      '',
      'x',
      `${t}x`,
      t.slice(0, -1),
      `é${t.slice(1)}`, // one non-ASCII character, the right length in characters
      `${t.slice(0, -2)}€`,
      `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`,
      `${t.slice(0, 10)}\u0000${t.slice(11)}`,
      '😀'.repeat(t.length / 2),
    ];
    for (const given of tries) {
      const s = await open(`?token=${encodeURIComponent(given)}`);
      expect(await s.closed, JSON.stringify(given)).toEqual({ code: CLOSE.refused, reason: 'Missing or wrong token.' });
      counts.tokens++;
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: t.length, maxLength: t.length }), async (given) => {
        fc.pre(given !== t);
        const s = await open(`?token=${encodeURIComponent(given)}`);
        expect(await s.closed).toEqual({ code: CLOSE.refused, reason: 'Missing or wrong token.' });
        counts.tokens++;
      }),
      { seed: SEED, numRuns: 30 },
    );
    // Two token parameters, a malformed query: still a refusal, not a crash.
    for (const query of [`?token=x&token=${t}`, '?token=%E0%A4%A', `?%ZZ=${t}`]) {
      const s = await open(query);
      expect((await s.closed).code, query).toBe(CLOSE.refused);
      counts.tokens++;
    }
    const ok = await open();
    expect((await ok.call('app.info', {})).ok).toBe(true);
    ok.ws.close();
  });

  it('another origin is refused with 4401, another Host with 403', async () => {
    const port = new URL(server.origin).port;
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${Number(port) + 1}`, `http://127.0.0.1:${port}.evil.example`, `https://127.0.0.1:${port}`, `http://localhost.evil:${port}`, `${server.origin}/`]) {
      const s = await open(`?token=${server.token}`, { origin });
      expect(await s.closed, origin).toEqual({ code: CLOSE.refused, reason: 'Wrong origin.' });
      counts.origins++;
    }
    await expect(open(`?token=${server.token}`, { origin: server.origin, host: 'evil.example' })).rejects.toThrow('HTTP 403');
    // DNS rebinding: our address under another name (fetch cannot set Host; node:http can).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(port), path: '/', headers: { host: `rebound.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('a client that sends many requests and never reads its replies is held to a few MB, then closed with 4408', async () => {
    const s = await open();
    // This client reads nothing: its socket is paused, so replies pile up on the server's side.
    (s.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const requests = 3_000;
    const before = process.memoryUsage().rss;
    for (let i = 0; i < requests; i++) s.ws.send(JSON.stringify({ id: i, method: 'records.list', payload: { limit: 500 } }));
    let peak = 0;
    const started = Date.now();
    while (Date.now() - started < 4_000) {
      await new Promise((r) => setTimeout(r, 100));
      peak = Math.max(peak, process.memoryUsage().rss - before);
    }
    // Held whole, the replies would be hundreds of MB (1.4 GB for 3,000 before the socket was bounded).
    const replyBytes = JSON.stringify((await inProcess.invoke('records.list', { limit: 500 })) as object).length;
    expect(replyBytes * requests).toBeGreaterThan(200 * 1_048_576);
    expect(peak).toBeLessThan(100 * 1_048_576);
    console.log(`unread client: ${requests} requests of ${Math.round(replyBytes / 1024)} KB replies, rss growth ${Math.round(peak / 1_048_576)} MB`);
    // Once it reads again, it finds the close the server sent after 2 s without reading.
    (s.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await Promise.race([s.closed, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
    expect(closed).toEqual({ code: CLOSE.notReading, reason: 'Closed: replies were not read for 2 s.' });
    // Everyone else is still served.
    const other = await open();
    expect((await other.call('app.info', {})).ok).toBe(true);
    other.ws.close();
    expect(checksum()).toBe(baseline);
  }, 40_000);
});
