import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Connection } from '../../../src-shared/contract/connections';
import type { SystemId } from '../../../src-shared/domain/record-kinds';
import { systemProfile } from '../../../src-shared/domain/remotes';
import type { ConnectionInfo } from '../../connectors/connector';
import type { ConnectionsTable } from '../db/schema';
import { UserFacingError } from '../errors';
import { nowIso } from '../json';
import type { Db } from '../db/schema';
import type { SecretStore } from '../secrets/secret-store';

export interface SaveConnectionInput {
  id?: string;
  system: SystemId;
  name: string;
  baseUrl: string;
  settings: Record<string, string>;
  apiKey?: string;
}

/** Remote profiles. The key goes to the secret store and is only ever read back by connectors. */
export class ConnectionStore {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
  ) {}

  async list(): Promise<Connection[]> {
    const rows = await this.db.selectFrom('connections').selectAll().orderBy('created_at').execute();
    return rows.map((r) => this.toDto(r));
  }

  async get(id: string): Promise<Connection> {
    return this.toDto(await this.row(id));
  }

  async system(id: string): Promise<SystemId> {
    return (await this.row(id)).system as SystemId;
  }

  /** For connectors only: includes the key. */
  async info(id: string): Promise<ConnectionInfo & { system: SystemId; paused: boolean }> {
    const r = await this.row(id);
    return {
      id: r.id,
      system: r.system as SystemId,
      baseUrl: r.base_url,
      settings: JSON.parse(r.settings) as Record<string, string>,
      apiKey: this.keyFor(r) ?? '',
      paused: r.paused === 1,
    };
  }

  async save(input: SaveConnectionInput): Promise<Connection> {
    const profile = systemProfile(input.system);
    const errors: Record<string, string[]> = {};
    for (const s of profile.settings) {
      if (s.required && !input.settings[s.name]?.trim()) errors[s.name] = [`${s.label} is required for ${profile.label}.`];
    }
    if (!input.id && !input.apiKey) errors.apiKey = ['Enter the API key for this connection.'];
    const keyProblem = input.apiKey === undefined ? null : apiKeyProblem(input.apiKey);
    if (keyProblem) errors.apiKey = [keyProblem];
    if (input.id && !input.apiKey) {
      // The stored key only ever goes to the server it was entered for.
      const existing = await this.row(input.id);
      if (existing.base_url !== input.baseUrl) errors.apiKey = ['Enter the API key again: the base URL changed, and the stored key is only sent to the server it was entered for.'];
    }
    if (Object.keys(errors).length > 0) throw new UserFacingError('validation', 'The connection is incomplete.', errors);
    const settings = JSON.stringify(Object.fromEntries(profile.settings.map((s) => [s.name, input.settings[s.name]?.trim() ?? ''])));
    // The key is stored before the row that needs it: a crash in between leaves an unused key,
    // never a connection without one.
    if (input.id) {
      const existing = await this.row(input.id);
      if (existing.system !== input.system) throw new UserFacingError('invalid_request', 'A connection cannot change its system.');
      if (input.apiKey) this.secrets.set(input.id, boundKey(input.apiKey, input.baseUrl));
      await this.db.updateTable('connections').set({ name: input.name, base_url: input.baseUrl, settings }).where('id', '=', input.id).execute();
      return this.get(input.id);
    }
    const id = randomUUID();
    this.secrets.set(id, boundKey(input.apiKey!, input.baseUrl));
    try {
      await this.db
        .insertInto('connections')
        .values({ id, system: input.system, name: input.name, base_url: input.baseUrl, settings, paused: 0, created_at: nowIso() })
        .execute();
    } catch (error) {
      this.secrets.delete(id);
      throw error;
    }
    return this.get(id);
  }

  async setPaused(id: string, paused: boolean): Promise<Connection> {
    await this.row(id);
    await this.db.updateTable('connections').set({ paused: paused ? 1 : 0 }).where('id', '=', id).execute();
    return this.get(id);
  }

  /** Refuses while edits are pending unless the user chose to discard them. */
  async remove(id: string, discardPending: boolean): Promise<{ removed: boolean; pendingEdits: number }> {
    await this.row(id);
    const { n } = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connection_id', '=', id)
      .executeTakeFirstOrThrow();
    const pendingEdits = Number(n);
    if (pendingEdits > 0 && !discardPending) return { removed: false, pendingEdits };
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('connections').where('id', '=', id).execute();
    });
    this.secrets.delete(id);
    return { removed: true, pendingEdits };
  }

  /** The stored key, only for the base URL it was entered for (a crash between writing key and row cannot send it elsewhere). */
  private keyFor(r: Selectable<ConnectionsTable>): string | null {
    const stored = this.secrets.get(r.id);
    if (stored === null || stored === undefined) return null;
    const bound = parseBoundKey(stored);
    if (bound.baseUrl !== null && bound.baseUrl !== r.base_url) return null;
    return bound.key;
  }

  /** For the list: a damaged key file leaves the connections listed (to enter their keys again); sending says why it cannot. */
  private hasUsableKey(r: Selectable<ConnectionsTable>): boolean {
    try {
      return this.keyFor(r) !== null;
    } catch (error) {
      if (error instanceof UserFacingError) return false;
      throw error;
    }
  }

  private async row(id: string): Promise<Selectable<ConnectionsTable>> {
    const r = await this.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new UserFacingError('not_found', 'That connection no longer exists.');
    return r;
  }

  private toDto(r: Selectable<ConnectionsTable>): Connection {
    return {
      id: r.id,
      system: r.system as SystemId,
      name: r.name,
      baseUrl: r.base_url,
      settings: JSON.parse(r.settings) as Record<string, string>,
      hasKey: this.hasUsableKey(r),
      paused: r.paused === 1,
      createdAt: r.created_at,
    };
  }
}

/**
 * Why a key cannot go into an HTTP header, or null: every connector sends it in one (Authorization,
 * X-API-KEY), and a line break or a character beyond Latin-1 would make each request fail before it
 * leaves (shown as "offline"). The key's characters are not repeated (it is a secret).
 */
export function apiKeyProblem(key: string): string | null {
  if (/[\r\n]/.test(key)) return 'The key has a line break in it. Paste the key alone, on one line.';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(key)) return 'The key has an invisible control character in it. Copy the key again from where it was issued.';
  const beyond = [...key].findIndex((c) => c.codePointAt(0)! > 0xff);
  if (beyond >= 0) {
    return `The key has a character that cannot be sent to a server (position ${beyond + 1}: not plain text such as letters, digits and punctuation). Copy the key again from where it was issued.`;
  }
  return null;
}

/** A key stored with the base URL it belongs to. */
function boundKey(key: string, baseUrl: string): string {
  return JSON.stringify({ key, baseUrl });
}

/** Keys stored before they were bound are plain text: they belong to the URL the row has. */
function parseBoundKey(stored: string): { key: string; baseUrl: string | null } {
  if (stored.startsWith('{')) {
    try {
      const v = JSON.parse(stored) as { key?: unknown; baseUrl?: unknown };
      if (typeof v.key === 'string' && typeof v.baseUrl === 'string') return { key: v.key, baseUrl: v.baseUrl };
    } catch {
      // Not ours: a plain key that happens to start with a brace.
    }
  }
  return { key: stored, baseUrl: null };
}
