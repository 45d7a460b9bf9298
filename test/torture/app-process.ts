import { createInterface } from 'node:readline';
import { createAppCore } from '../../src-main/core/app-core';
import type { LimitWindow } from '../../src-main/core/sync/rate-limiter';

/**
 * The app as a child process the torture driver can SIGKILL: a real core on a data dir, reached
 * only through `core.dispatch`, over JSON lines on stdin/stdout.
 *
 *   in:  {"id": 1, "method": "records.create", "payload": {...}}   or   {"id": 2, "method": "quit"}
 *   out: {"ready": true}  once, then  {"id": 1, "reply": {"ok": true, "value": ...}}
 *
 * `quit` closes the core gracefully and exits 0. stdout carries protocol lines only; the core's
 * log goes to stderr. Usage: app-process.ts DATA_DIR CONFIG_JSON, where CONFIG_JSON is
 * {sync: {...AppCoreOptions.sync without functions}, rateLimit: LimitWindow[]} (rateLimit is
 * applied to every system, since a function cannot cross the process boundary).
 */
export interface AppProcessConfig {
  sync: Record<string, unknown>;
  rateLimit: LimitWindow[];
}

const [dataDir, configJson] = process.argv.slice(2);
if (!dataDir || !configJson) {
  process.stderr.write('usage: app-process.ts DATA_DIR CONFIG_JSON\n');
  process.exit(2);
}
const config = JSON.parse(configJson) as AppProcessConfig;

const write = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);

const core = await createAppCore({
  dataDir,
  transport: 'in-process',
  sync: { ...config.sync, rateLimitFor: () => config.rateLimit },
  log: (m) => process.stderr.write(`[core] ${m}\n`),
});

let quitting = false;
async function quit(id: unknown): Promise<void> {
  if (quitting) return;
  quitting = true;
  // A close that hangs is itself a finding; the driver sees exit code 3.
  const guard = setTimeout(() => process.exit(3), 10_000);
  await core.close();
  clearTimeout(guard);
  write({ id, reply: { ok: true, value: { closed: true } } });
  process.exit(0);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  const { id, method, payload } = JSON.parse(line) as { id: unknown; method: string; payload?: unknown };
  if (method === 'quit') {
    void quit(id);
    return;
  }
  if (quitting) {
    write({ id, reply: { ok: false, error: { code: 'unavailable', message: 'quitting' } } });
    return;
  }
  // Requests run concurrently, as renderer calls do.
  core.dispatch(method, payload).then(
    (reply) => write({ id, reply }),
    (error: unknown) => write({ id, reply: { ok: false, error: { code: 'internal', message: String(error) } } }),
  );
});
// The driver went away: do not outlive it.
lines.on('close', () => {
  if (!quitting) process.exit(0);
});

write({ ready: true });
