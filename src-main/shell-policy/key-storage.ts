/**
 * How the desktop app keeps API keys, decided from what the OS offers. Pure
 * (test/unit/shell-policy.test.ts); src-main/electron/key-storage.ts asks Electron and the user.
 *
 * Electron's safeStorage encrypts with the OS keychain. On Linux without a keyring (no GNOME
 * Keyring / KWallet) it silently falls back to `basic_text`: a password built into Electron, so the
 * "encrypted" keys are as readable as plain text to anyone who can read the file. BenchSync does not
 * pretend: it tells the user and lets them choose between a file only their account can read
 * (what headless mode does) and not storing keys at all.
 */

/** Linux backends that really protect the keys. */
const TRUSTED_LINUX_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

export type KeyStorageChoice = 'file-only' | 'no-store';

/** What the user chose, for which weakness (asked again when the OS situation changes). */
export interface RememberedKeyStorage {
  choice: KeyStorageChoice;
  /** The Linux backend (e.g. `basic_text`) or `unavailable` when there was no encryption at all. */
  weakness: string;
}

export interface KeyStorageEnvironment {
  platform: string;
  encryptionAvailable: boolean;
  /** safeStorage.getSelectedStorageBackend() on Linux; null elsewhere. */
  backend: string | null;
}

export type KeyStoragePlan =
  | { mode: 'keychain' }
  | { mode: 'ask'; weakness: string }
  | { mode: KeyStorageChoice; weakness: string };

/** The weakness of this environment, or null when the keychain protects keys. */
export function keyStorageWeakness(env: KeyStorageEnvironment): string | null {
  if (!env.encryptionAvailable) return 'unavailable';
  if (env.platform === 'linux' && !TRUSTED_LINUX_BACKENDS.has(env.backend ?? 'unknown')) return env.backend ?? 'unknown';
  return null;
}

export function keyStoragePlan(env: KeyStorageEnvironment, remembered: RememberedKeyStorage | null): KeyStoragePlan {
  const weakness = keyStorageWeakness(env);
  if (weakness === null) return { mode: 'keychain' };
  if (remembered && remembered.weakness === weakness) return { mode: remembered.choice, weakness };
  return { mode: 'ask', weakness };
}

export function parseRememberedKeyStorage(text: string | null | undefined): RememberedKeyStorage | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || v.version !== 1) return null;
    if ((v.choice !== 'file-only' && v.choice !== 'no-store') || typeof v.weakness !== 'string' || v.weakness.length > 64) return null;
    return { choice: v.choice, weakness: v.weakness };
  } catch {
    return null;
  }
}

export function serializeRememberedKeyStorage(r: RememberedKeyStorage): string {
  return `${JSON.stringify({ version: 1, choice: r.choice, weakness: r.weakness })}\n`;
}

/**
 * Stored blobs: safeStorage output is base64 (never a colon); a key kept with file permissions only
 * is marked, so either kind stays readable whichever way the user chooses later.
 */
const FILE_ONLY_PREFIX = 'file-only:';

export function encodeFileOnly(plain: string): string {
  return FILE_ONLY_PREFIX + plain;
}

export function decodeBlob(blob: string): { kind: 'file-only'; plain: string } | { kind: 'safe-storage'; base64: string } {
  if (blob.startsWith(FILE_ONLY_PREFIX)) return { kind: 'file-only', plain: blob.slice(FILE_ONLY_PREFIX.length) };
  return { kind: 'safe-storage', base64: blob };
}
