/**
 * Environment variables that only a development run may use. Pure (test/unit/shell-policy.test.ts).
 * A packaged app loads its own renderer and its own SQLite module, whatever the environment says.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server URL electron-vite passes in ELECTRON_RENDERER_URL, when it may be used: never in a
 * packaged app, and only an http(s) URL on this machine's loopback without credentials. Null means:
 * load the bundled renderer from disk.
 */
export function devRendererUrl(value: string | undefined, isPackaged: boolean): string | null {
  if (isPackaged || !value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  if (!LOOPBACK_HOSTS.has(url.hostname)) return null;
  return url.href;
}

/**
 * BENCHSYNC_SQLITE_BINDING (set by `npm start`, scripts/electron-sqlite.mjs): a build of
 * better-sqlite3's addon for Electron's ABI. A packaged app ships its own, rebuilt at package time,
 * and never loads a native module named by the environment.
 */
export function sqliteBindingOverride(value: string | undefined, isPackaged: boolean): string | undefined {
  if (isPackaged || !value || !value.endsWith('.node')) return undefined;
  return value;
}
