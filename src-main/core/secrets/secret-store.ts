import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * API keys live outside the database, in one file of the data folder, each encrypted by the
 * cipher the shell provides: Electron's safeStorage (OS keychain) in the desktop app; in headless
 * mode the file is only readable by the user (mode 0600) and the cipher is the identity.
 */
export interface SecretCipher {
  /** Says how keys are protected, for the README and the settings screen. */
  readonly description: string;
  encrypt(plain: string): string;
  decrypt(blob: string): string;
}

export const fileModeOnlyCipher: SecretCipher = {
  description: 'stored in a file readable only by your user account (mode 0600)',
  encrypt: (plain) => plain,
  decrypt: (blob) => blob,
};

export class SecretStore {
  constructor(
    private readonly path: string,
    private readonly cipher: SecretCipher,
  ) {}

  get(id: string): string | null {
    const blob = this.read()[id];
    return blob === undefined ? null : this.cipher.decrypt(blob);
  }

  has(id: string): boolean {
    return this.read()[id] !== undefined;
  }

  set(id: string, secret: string): void {
    this.write({ ...this.read(), [id]: this.cipher.encrypt(secret) });
  }

  delete(id: string): void {
    const all = this.read();
    delete all[id];
    this.write(all);
  }

  private read(): Record<string, string> {
    if (!existsSync(this.path)) return {};
    return JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, string>;
  }

  private write(all: Record<string, string>): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
