import { safeStorage } from 'electron';
import type { SecretCipher } from '../core/secrets/secret-store';

/** API keys encrypted by the OS keychain through Electron's safeStorage. */
export function safeStorageCipher(): SecretCipher {
  if (!safeStorage.isEncryptionAvailable()) {
    throw new Error('The operating system offers no encryption for stored keys (safeStorage is unavailable).');
  }
  return {
    description: "encrypted with your operating system's keychain (Electron safeStorage)",
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (blob) => safeStorage.decryptString(Buffer.from(blob, 'base64')),
  };
}
