/**
 * `npm run sandbox [-- options]`: starts the emulators on 127.0.0.1 and prints how to reach them.
 * Runs until SIGINT/SIGTERM, then closes every server (and saves state with --state).
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SystemName } from './common/emulator-server';
import { startSandbox } from './sandbox';

const HELP = `Usage: npm run sandbox -- [options]
  --json                 print one JSON line {system: {baseUrl, users, ...}} instead of text
  --only a,b             start only these systems (catalog, cannlytics, brainstem, atomscale)
  --port system=PORT     fixed port for a system (repeatable); --base-port N gives N, N+1, ... in that order
  --records N            add N generated records per system (deterministic from --seed)
  --seed N               seed for generated data and fault schedules (default 1)
  --state DIR            keep each system's state in DIR/<system>.json
  --latency MS           add latency to every request (--jitter MS adds a random part)
  --error-rate R         answer a fraction R of requests with 503
  --reset-rate R         drop the connection after committing a fraction R of writes
  --rate-scale F         multiply rate limits by F (benchmarks); --no-rate-limit turns them off
  --as-published[=a,b]   published mode: behave as each service's published server code does where
                         it differs from its docs (crashes included), for all systems or the listed
                         ones; the default is the documented behaviour. See docs/remotes/<system>.md
  --help`;

const ORDER: SystemName[] = ['catalog', 'cannlytics', 'brainstem', 'atomscale'];

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n${HELP}\n`);
  process.exit(2);
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} takes a non-negative number, not "${value}"`);
  return n;
}

/** `--as-published` takes an optional value, which parseArgs cannot express: a bare flag means all systems. */
const args = process.argv.slice(2).map((a) => (a === '--as-published' ? '--as-published=all' : a));

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        json: { type: 'boolean' },
        only: { type: 'string' },
        port: { type: 'string', multiple: true },
        'base-port': { type: 'string' },
        records: { type: 'string' },
        seed: { type: 'string' },
        state: { type: 'string' },
        latency: { type: 'string' },
        jitter: { type: 'string' },
        'error-rate': { type: 'string' },
        'reset-rate': { type: 'string' },
        'rate-scale': { type: 'string' },
        'no-rate-limit': { type: 'boolean' },
        'as-published': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const systems = v.only ? (v.only.split(',').map((s) => s.trim()) as SystemName[]) : undefined;
  for (const s of systems ?? []) if (!ORDER.includes(s)) fail(`unknown system "${s}"`);
  const ports: Partial<Record<SystemName, number>> = {};
  const basePort = number('base-port', v['base-port']);
  if (basePort !== undefined) (systems ?? ORDER).forEach((s, i) => (ports[s] = basePort + i));
  for (const p of v.port ?? []) {
    const [system, port] = p.split('=');
    if (!ORDER.includes(system as SystemName) || !port) fail(`--port takes system=PORT, not "${p}"`);
    ports[system as SystemName] = number('port', port);
  }
  if (v.state) mkdirSync(v.state, { recursive: true });
  let asPublished: boolean | SystemName[] = false;
  if (v['as-published'] !== undefined) {
    const value = v['as-published'].trim();
    if (value === 'all') asPublished = true;
    else {
      asPublished = value.split(',').map((s) => s.trim()) as SystemName[];
      for (const s of asPublished) if (!ORDER.includes(s)) fail(`--as-published: unknown system "${s}"`);
    }
  }

  const sandbox = await startSandbox({
    systems,
    ports,
    records: number('records', v.records),
    seed: number('seed', v.seed) ?? 1,
    stateDir: v.state,
    rateLimitScale: number('rate-scale', v['rate-scale']),
    rateLimit: v['no-rate-limit'] ? false : undefined,
    asPublished,
    faults: {
      latencyMs: number('latency', v.latency) ?? 0,
      latencyJitterMs: number('jitter', v.jitter) ?? 0,
      errorRate: number('error-rate', v['error-rate']) ?? 0,
      resetAfterCommitRate: number('reset-rate', v['reset-rate']) ?? 0,
    },
  });

  const description = sandbox.describe();
  if (v.json) {
    process.stdout.write(`${JSON.stringify(description)}\n`);
  } else {
    process.stdout.write('BenchSync sandbox: emulated remote systems on 127.0.0.1 (Ctrl+C to stop)\n\n');
    for (const [system, d] of Object.entries(description)) {
      process.stdout.write(`${system.padEnd(11)} ${d.baseUrl}\n`);
      for (const [key, value] of Object.entries(d)) {
        if (key === 'baseUrl' || key === 'users') continue;
        process.stdout.write(`            ${key}: ${String(value)}\n`);
      }
      for (const [role, key] of Object.entries(d.users)) process.stdout.write(`            ${role.padEnd(8)} key: ${key}\n`);
    }
  }

  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
