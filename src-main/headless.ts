/**
 * `npm run headless`: the whole app without Electron. The core runs in Node, the built renderer is
 * served on 127.0.0.1 with the same contract over a token-protected websocket. Open the printed URL.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAppCore } from './core/app-core';
import { startHeadlessServer } from './transports/headless-server';

export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return join(base, 'BenchSync');
}

export async function runHeadless(argv: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'renderer-dir': { type: 'string' },
    },
  });
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const port = values.port ? Number(values.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port takes a port number, not "${values.port}".`);
  const core = await createAppCore({ dataDir, transport: 'headless', log: (m) => process.stderr.write(`${m}\n`) });
  const server = await startHeadlessServer({
    core,
    rendererDir: resolve(values['renderer-dir'] ?? join(process.cwd(), 'out', 'renderer')),
    port,
  });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await core.close();
    },
  };
}

const isEntry = process.argv[1] && /headless\.(ts|js|mjs)$/.test(process.argv[1]);
if (isEntry) {
  runHeadless(process.argv.slice(2)).then(
    (app) => {
      process.stdout.write(`BenchSync is running headless. Open this URL in a browser:\n${app.url}\n`);
      const stop = () => app.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (error: unknown) => {
      process.stderr.write(`BenchSync could not start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
