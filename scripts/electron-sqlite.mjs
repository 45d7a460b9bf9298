// better-sqlite3 is compiled for Node (tests, headless). Electron has its own ABI, so the desktop
// app loads a second build of the same module, made once per Electron version into
// .electron-native/ (git-ignored) and handed to main through BENCHSYNC_SQLITE_BINDING.
// It needs the network once (a prebuilt binary, else Electron's headers for a local compile).
// `npm run dist` uses it too (scripts/after-pack.cjs), for the platform and arch being packaged,
// so packaging never rebuilds the Node build in node_modules that the tests and headless mode use.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Path of an Electron build of better-sqlite3's addon, making it if needed; null if it cannot be had.
 * Another platform or arch than this machine's can only come prebuilt (no cross-compiling).
 */
export function electronSqliteBinding(electronVersion, platform = process.platform, arch = process.arch) {
  const host = platform === process.platform && arch === process.arch;
  const folder = platform === process.platform ? `electron-${electronVersion}-${arch}` : `electron-${electronVersion}-${platform}-${arch}`;
  const target = resolve('.electron-native', folder, 'better_sqlite3.node');
  if (existsSync(target)) return target;
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const work = mkdtempSync(join(tmpdir(), 'benchsync-electron-sqlite-'));
  const copy = join(work, 'better-sqlite3');
  try {
    cpSync(source, copy, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
    const opts = { cwd: copy, stdio: 'ignore', timeout: 600_000 };
    const prebuilt = spawnSync(
      process.execPath,
      [require.resolve('prebuild-install/bin.js'), '--runtime=electron', `--target=${electronVersion}`, `--platform=${platform}`, `--arch=${arch}`],
      opts,
    );
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node');
    if (host && (prebuilt.status !== 0 || !existsSync(built))) {
      const nodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
      spawnSync(
        process.execPath,
        [nodeGyp, 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
        opts,
      );
    }
    if (!existsSync(built)) return null;
    mkdirSync(dirname(target), { recursive: true });
    cpSync(built, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
