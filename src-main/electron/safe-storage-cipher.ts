import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialog, safeStorage } from 'electron';
import { UserFacingError } from '../core/errors';
import type { SecretCipher } from '../core/secrets/secret-store';
import {
  decodeBlob,
  encodeFileOnly,
  type KeyStorageChoice,
  keyStoragePlan,
  parseRememberedKeyStorage,
  serializeRememberedKeyStorage,
} from '../shell-policy/key-storage';

const CHOICE_FILE = 'key-storage.json';

/**
 * The cipher for secrets.json (src-main/core/secrets/secret-store.ts). Reads either kind of stored
 * blob; writes with the OS keychain (safeStorage), or, when the OS offers no real protection and
 * the user chose so, with file permissions only (secrets.json is always mode 0600), or not at all.
 */
function desktopCipher(mode: 'keychain' | KeyStorageChoice): SecretCipher {
  const descriptions = {
    keychain: "encrypted with your operating system's keychain (Electron safeStorage)",
    'file-only': 'stored in a file readable only by your user account (mode 0600): no keyring is available to encrypt them',
    'no-store': 'not stored: no keyring is available to encrypt them, and you chose not to keep keys on this computer',
  } as const;
  return {
    description: descriptions[mode],
    encrypt: (plain) => {
      if (mode === 'keychain') return safeStorage.encryptString(plain).toString('base64');
      if (mode === 'file-only') return encodeFileOnly(plain);
      const message =
        'BenchSync does not store API keys on this computer (no keyring is available and you chose not to keep keys). Install and unlock a keyring (GNOME Keyring or KWallet), or choose to store keys in a file only you can read, then restart BenchSync.';
      throw new UserFacingError('validation', message, { apiKey: [message] });
    },
    decrypt: (blob) => {
      const b = decodeBlob(blob);
      return b.kind === 'file-only' ? b.plain : safeStorage.decryptString(Buffer.from(b.base64, 'base64'));
    },
  };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Decides how keys are kept (shell-policy/key-storage.ts): the keychain when it really protects
 * them; otherwise the user's remembered choice, or a dialog asking for one. Null: the user chose to quit.
 */
export async function chooseKeyCipher(dataDir: string): Promise<SecretCipher | null> {
  const env = {
    platform: process.platform,
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
  };
  const choicePath = join(dataDir, CHOICE_FILE);
  const plan = keyStoragePlan(env, parseRememberedKeyStorage(readText(choicePath)));
  if (plan.mode !== 'ask') return desktopCipher(plan.mode);

  const why =
    plan.weakness === 'unavailable'
      ? 'The operating system offers no encryption for stored keys (its keychain is not available).'
      : `No keyring (GNOME Keyring or KWallet) is available, so Electron would "encrypt" your API keys with a password built into every copy of Electron (safeStorage backend: ${plan.weakness}). Anyone who can read your files could read the keys.`;
  const { response, checkboxChecked } = await dialog.showMessageBox({
    type: 'warning',
    title: 'BenchSync',
    message: 'BenchSync cannot encrypt your API keys on this computer',
    detail: `${why}\n\nStore in a file only I can read: keys are kept in secrets.json in the data folder, readable only by your user account (as in headless mode).\n\nDon't store keys: connections cannot be given a key until a keyring is available; keys already stored are still used.\n\nTo have keys encrypted, install and unlock a keyring, then restart BenchSync.`,
    buttons: ['Store in a file only I can read', "Don't store keys", 'Quit'],
    defaultId: 0,
    cancelId: 2,
    noLink: true,
    checkboxLabel: 'Remember my choice on this computer',
    checkboxChecked: true,
  });
  if (response !== 0 && response !== 1) return null;
  const choice: KeyStorageChoice = response === 0 ? 'file-only' : 'no-store';
  if (checkboxChecked) {
    try {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(`${choicePath}.tmp`, serializeRememberedKeyStorage({ choice, weakness: plan.weakness }), { mode: 0o600 });
      renameSync(`${choicePath}.tmp`, choicePath);
    } catch {
      // Asked again next time.
    }
  }
  return desktopCipher(choice);
}
