/**
 * `npm run demo`: the sandbox and the headless app together, with a connection to every sandbox
 * service BenchSync has a connector for, so a newcomer sees a populated, syncing workspace at once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONNECTORS } from '../src-main/connectors/registry';
import { createAppCore } from '../src-main/core/app-core';
import { startHeadlessServer } from '../src-main/transports/headless-server';
import { startSandbox } from '../test/sandbox/sandbox';
import type { SystemId } from '../src-shared/domain/record-kinds';
import { systemProfile } from '../src-shared/domain/remotes';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, port: { type: 'string' } } });
const dataDir = resolve(values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'benchsync-demo-')));

const sandbox = await startSandbox({});
const core = await createAppCore({ dataDir, transport: 'headless', log: (m) => process.stderr.write(`${m}\n`) });
const described = sandbox.describe();
for (const [system, d] of Object.entries(described)) {
  if (!CONNECTORS[system as SystemId]) continue;
  const settings: Record<string, string> = {};
  for (const s of systemProfile(system as SystemId).settings) if (typeof d[s.name] === 'string') settings[s.name] = d[s.name] as string;
  const reply = await core.dispatch('connections.save', {
    system,
    name: `${systemProfile(system as SystemId).label} (sandbox)`,
    baseUrl: d.baseUrl,
    settings,
    apiKey: d.users.member ?? Object.values(d.users)[0],
  });
  if (!reply.ok) throw new Error(`Could not add the ${system} connection: ${reply.error.message}`);
}
const server = await startHeadlessServer({ core, rendererDir: resolve('out/renderer'), port: values.port ? Number(values.port) : 0 });

process.stdout.write(`BenchSync demo: sandbox services and the app, data in ${dataDir}\n\n`);
for (const [system, d] of Object.entries(described)) {
  process.stdout.write(`  ${system.padEnd(11)} ${d.baseUrl}${CONNECTORS[system as SystemId] ? '  (connected as member)' : ''}\n`);
}
process.stdout.write(`\nOpen BenchSync: ${server.url}\n`);
const stop = async () => {
  await server.close();
  await core.close();
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
