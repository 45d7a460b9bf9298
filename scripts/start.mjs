// `npm start`: opens the Electron window; where the Electron runtime cannot be had (no internet to
// download it, as on the build machines), says so in one line and starts headless instead.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronPath = null;
try {
  process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ??= '';
  electronPath = require('electron');
} catch {
  electronPath = null;
}

const run = (command, args) => {
  const child = spawn(command, args, { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
};

if (typeof electronPath === 'string') {
  run(electronPath, ['.', ...process.argv.slice(2)]);
} else {
  console.log('The Electron runtime is not installed (it could not be downloaded); starting BenchSync headless instead.');
  run(process.execPath, ['--import', 'tsx', 'src-main/headless.ts', ...process.argv.slice(2)]);
}
