// electron-builder afterPack hook (electron-builder.json), run for each platform/arch packaged,
// before the app is signed and wrapped into AppImage/deb/NSIS/dmg:
// 1. better-sqlite3 for Electron's ABI: electron-builder's own rebuild (npmRebuild) is off because
//    it rebuilds node_modules in place, which would break `npm test` and headless mode (Node's ABI);
//    instead the Electron build made by scripts/electron-sqlite.mjs (prebuilt, else compiled) replaces
//    the addon in app.asar.unpacked (asarUnpack keeps better-sqlite3 outside the archive).
// 2. Electron's fuses (security checklist: "Check which fuses you can change"): BenchSync's main
//    process never forks a Node child, takes no NODE_OPTIONS and no --inspect, and only runs from
//    its app.asar.
const { copyFileSync, existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

// electron-builder's Arch enum (builder-util).
const ARCH = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64' };

exports.default = async function afterPack(context) {
  const { electronPlatformName: platform, appOutDir, packager } = context;
  const arch = ARCH[context.arch];
  if (!arch) throw new Error(`after-pack: unsupported arch ${context.arch} (universal builds are not configured)`);
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;

  const { electronSqliteBinding } = await import(pathToFileURL(path.join(__dirname, 'electron-sqlite.mjs')).href);
  const binding = electronSqliteBinding(electronVersion, platform, arch);
  if (!binding) {
    throw new Error(`after-pack: no build of better-sqlite3 for Electron ${electronVersion} ${platform}-${arch} (it needs the network once; another OS can only use a prebuilt one)`);
  }
  const addon = path.join(packager.getResourcesDir(appOutDir), 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(addon)) throw new Error(`after-pack: ${addon} is missing (asarUnpack must keep better-sqlite3 outside app.asar)`);
  copyFileSync(binding, addon);

  const name = packager.appInfo.productFilename;
  const executable = {
    darwin: path.join(appOutDir, `${name}.app`),
    win32: path.join(appOutDir, `${name}.exe`),
    linux: path.join(appOutDir, packager.executableName),
  }[platform];
  if (!executable) throw new Error(`after-pack: unknown platform ${platform}`);
  await flipFuses(executable, {
    version: FuseVersion.V1,
    // An unsigned arm64 mac binary must be re-signed ad hoc once its fuses change.
    resetAdHocDarwinSignature: platform === 'darwin' && arch === 'arm64',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
  });
};
