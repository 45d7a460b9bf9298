import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { FaultController, type FaultConfig } from './faults';

export type SystemName = 'catalog' | 'cannlytics' | 'brainstem' | 'atomscale';

/** What every emulator accepts; the CLI maps its flags onto these. */
export interface EmulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Generate this many extra records (deterministic from `seed`) on top of the demo data. */
  records?: number;
  seed?: number;
  /** Keep state in this JSON file: loaded at start when it exists, written after each change. */
  statePath?: string;
  faults?: Partial<FaultConfig>;
  /** Scales the emulator's rate limits (10 = ten times as many requests allowed). Ignored where a system has none. */
  rateLimitScale?: number;
  /** Overrides the default limit of systems that have a configurable one (requests per second / minute). */
  rateLimit?: { perSecond?: number; perMinute?: number } | false;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Published mode: behave as the service's published server code does where it differs from the
   * service's docs (crashes and quirks included). Default false: the documented behaviour.
   * Each system's differences are in `docs/remotes/<system>.md`.
   */
  asPublished?: boolean;
  /**
   * BrainSTEM only: dynamic-rest filters answered with a 400, as `[model:]field[.op]` patterns where
   * `*` matches anything (`*.in`, `consumableapproval:status`). Default: none in the documented mode,
   * `PUBLISHED_REFUSED_FILTERS` in published mode; `[]` refuses none. Ignored by the other systems.
   */
  refusedFilters?: readonly string[];
}

export interface RunningEmulator {
  system: SystemName;
  /** What a client is configured with (the counterpart of the documented base URL). */
  baseUrl: string;
  /** role -> API key / token */
  users: Record<string, string>;
  /** Further connection facts, e.g. `organizationId` for Cannlytics. */
  extra: Record<string, string>;
  faults: FaultController;
  close(): Promise<void>;
}

/** State that can be saved to and restored from a JSON file. */
export interface PersistentStore {
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

export interface EmulatorAppOptions {
  faults: FaultController;
  /** Body the framework would send for an injected error status (5xx, 429 storm). */
  errorBody(status: number): { body: unknown; headers?: Record<string, string> };
  bodyLimit?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Fastify app with the sandbox's fault injection wired in as hooks, plus an out-of-band
 * control route (`/__sandbox/faults`) that no real service has, for demos and tests in another process.
 */
export function createEmulatorApp(options: EmulatorAppOptions): FastifyInstance {
  const { faults } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Emulators parse query strings themselves where a framework's rules matter (DRF `filter{..}`).
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/__sandbox/')) return;
    if (faults.current.offline) {
      request.raw.socket.destroy();
      return reply;
    }
    const latency = faults.latencyFor();
    if (latency > 0) await sleep(latency);
    const fault = faults.before(request.method, request.url);
    if (fault.kind === 'reset-before') {
      request.raw.socket.destroy();
      return reply;
    }
    if (fault.kind === 'status' || fault.kind === 'storm429') {
      const status = fault.kind === 'status' ? fault.status : 429;
      const { body, headers } = options.errorBody(status);
      reply.code(status).headers(headers ?? {}).send(body);
      return reply;
    }
    return undefined;
  });

  // The handler has committed its change by the time onSend runs: dropping the connection here
  // is the "server did it, client never heard" case a sync engine must survive.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/__sandbox/')) return payload;
    if (reply.statusCode < 400 && faults.resetAfterCommit(request.method, request.url)) {
      request.raw.socket.destroy();
    }
    return payload;
  });

  goOfflineWhenAsked(app, faults);

  app.get('/__sandbox/faults', async () => faults.current);
  app.put('/__sandbox/faults', async (request) => {
    const body = (request.body ?? {}) as Partial<FaultConfig> & { storm429Ms?: number };
    const { storm429Ms, ...patch } = body;
    faults.set(patch);
    if (typeof storm429Ms === 'number') faults.storm429(storm429Ms);
    return faults.current;
  });
  app.post('/__sandbox/faults/reset', async () => {
    faults.reset();
    return faults.current;
  });

  return app;
}

/**
 * "Offline" looks like a real network loss to a client: new connections are refused and open ones
 * dropped; back online, the server listens on the same port again.
 */
function goOfflineWhenAsked(app: FastifyInstance, faults: FaultController): void {
  let port = 0;
  let offline = false;
  let closed = false;
  app.addHook('onClose', async () => {
    closed = true;
  });
  faults.onChange((config) => {
    if (closed || config.offline === offline) return;
    offline = config.offline;
    if (offline) {
      const address = app.server.address();
      if (address && typeof address !== 'string') port = address.port;
      app.server.close();
      app.server.closeAllConnections();
    } else if (port) {
      app.server.listen(port, '127.0.0.1');
    }
  });
  // Fastify's own close must not fail on a server that is not listening.
  app.addHook('preClose', async () => {
    if (offline && !app.server.listening && port) {
      await new Promise<void>((resolve) => app.server.listen(port, '127.0.0.1', () => resolve()));
    }
  });
}

/** Loads the store from `statePath` and writes it back after every successful change. */
export function persistState(app: FastifyInstance, store: PersistentStore, statePath: string | undefined): void {
  if (!statePath) return;
  if (existsSync(statePath)) store.restore(JSON.parse(readFileSync(statePath, 'utf8')));
  const save = () => {
    const tmp = `${statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(store.snapshot()));
    renameSync(tmp, statePath);
  };
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) save();
  });
  app.addHook('onClose', async () => save());
}

/** Listens on 127.0.0.1 only and returns the origin, e.g. `http://127.0.0.1:40123`. */
export async function listenOnLoopback(app: FastifyInstance, port = 0): Promise<string> {
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('emulator did not bind a TCP port');
  return `http://127.0.0.1:${address.port}`;
}

export function newFaultController(options: EmulatorOptions): FaultController {
  return new FaultController(options.faults ?? {}, options.seed ?? 1);
}
