import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { UserFacingError } from '../errors';

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
    if (blob === undefined) return null;
    try {
      return this.cipher.decrypt(blob);
    } catch {
      // The cipher's own message may quote the blob.
      throw this.damaged(`the key of connection ${id} could not be decrypted (${this.cipher.description})`);
    }
  }

  has(id: string): boolean {
    return this.read()[id] !== undefined;
  }

  /** Refuses to write over a damaged file: the other keys in it would be lost. */
  set(id: string, secret: string): void {
    this.write({ ...this.read(), [id]: this.cipher.encrypt(secret) });
  }

  delete(id: string): void {
    const all = this.read();
    delete all[id];
    this.write(all);
  }

  /**
   * The problem and the file, never what is in it: a parser's message quotes the text around the
   * error, and that text is a key.
   */
  private damaged(problem: string): UserFacingError {
    return new UserFacingError(
      'unavailable',
      `The key file ${this.path} is damaged: ${problem}. BenchSync has not changed it; move it aside and enter the connections' API keys again.`,
    );
  }

  private read(): Record<string, string> {
    if (!existsSync(this.path)) return {};
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserFacingError('unavailable', `The key file ${this.path} cannot be read${code ? ` (${code})` : ''}.`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.damaged('it is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.damaged('it does not hold a JSON object');
    const entries = Object.entries(value);
    if (entries.some(([, v]) => typeof v !== 'string')) throw this.damaged('an entry is not a string');
    return Object.fromEntries(entries) as Record<string, string>;
  }

  private write(all: Record<string, string>): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
