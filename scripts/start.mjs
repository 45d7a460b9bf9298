// `npm start`: opens the Electron window. Electron fetches its runtime on first run; where it cannot
// (no internet, as on the build machines), this says so in one line and starts headless instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronSqliteBinding } from './electron-sqlite.mjs';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));

function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

let binary = electronBinary();
if (!binary) {
  console.log('Fetching the Electron runtime (first run only)…');
  // Its own output is a stack trace when offline; the one line below says what matters.
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 300_000 });
  binary = electronBinary();
}

const run = (command, args, env = {}) => {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
};

const sqlite = binary ? electronSqlite() : null;

function electronSqlite() {
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  console.log(`Preparing the database module for Electron ${version} (first run only)…`);
  return electronSqliteBinding(version);
}

if (binary && sqlite) {
  run(binary, ['.', ...process.argv.slice(2)], { BENCHSYNC_SQLITE_BINDING: sqlite });
} else if (binary) {
  console.log("The database module could not be built for Electron (it needs the network once); starting BenchSync headless instead.");
  run(process.execPath, ['--import', 'tsx', 'src-main/headless.ts', ...process.argv.slice(2)]);
} else {
  console.log('The Electron runtime could not be downloaded (no internet?); starting BenchSync headless instead.');
  run(process.execPath, ['--import', 'tsx', 'src-main/headless.ts', ...process.argv.slice(2)]);
}
