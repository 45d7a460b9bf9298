import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiKeyProblem, ConnectionStore } from '../../src-main/core/connections/connection-store';
import { openDatabase, type OpenedDatabase } from '../../src-main/core/db/database';
import { createDispatcher } from '../../src-main/core/dispatch';
import { UserFacingError } from '../../src-main/core/errors';
import type { HandlerTable } from '../../src-main/core/handlers';
import { Mirror } from '../../src-main/core/mirror/mirror';
import { fileModeOnlyCipher, SecretStore } from '../../src-main/core/secrets/secret-store';
import { sameSecret } from '../../src-main/transports/headless-server';
import { tempDir } from '../integration/harness';

/** The hardening findings at the lowest level that shows each: real files, a real SQLite database. */
let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('benchsync-hardening-');
});
afterEach(() => dir.remove());

const mode = (p: string) => statSync(p).mode & 0o777;

describe('the dispatcher', () => {
  /** A table whose every handler throws what a bug or a library might: the message is not for the user. */
  const throwing = (error: unknown) => new Proxy({}, { get: () => async () => Promise.reject(error) }) as HandlerTable;

  it('answers an unexpected error with a generic message and an id it logs with the details', async () => {
    const log: string[] = [];
    const dispatch = createDispatcher(throwing(new Error('ENOENT: /home/tech/.config key=sk_live_abcdefgh')), (m) => log.push(m));
    const reply = await dispatch('records.list', {});
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('internal');
    expect(reply.error.message).not.toMatch(/ENOENT|sk_live|home|at /);
    const id = /error ([0-9a-f]{8}) in its log/.exec(reply.error.message)?.[1];
    expect(id).toBeDefined();
    expect(log).toHaveLength(1);
    expect(log[0]).toContain(`[${id}] records.list failed: Error: ENOENT`);
    // A stack overflow and a thrown non-Error: the same.
    for (const e of [new RangeError('Maximum call stack size exceeded'), 'plain string with a secret', { weird: true }]) {
      const r = await createDispatcher(throwing(e))('records.list', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/^BenchSync could not complete this request because of an error of its own \(error [0-9a-f]{8} in its log\)\.$/) } });
    }
  });

  it('passes a UserFacingError through as it is', async () => {
    const dispatch = createDispatcher(throwing(new UserFacingError('validation', 'Some fields need attention.', { name: ['Required.'] })));
    expect(await dispatch('records.list', {})).toEqual({ ok: false, error: { code: 'validation', message: 'Some fields need attention.', fieldErrors: { name: ['Required.'] } } });
  });

  it('refuses a payload that is not data before any handler runs, naming where', async () => {
    const log: string[] = [];
    const dispatch = createDispatcher(throwing(new Error('handler ran')), (m) => log.push(m));
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const loop: Record<string, unknown> = {};
    loop.again = loop;
    for (const [payload, path] of [
      [{ id: 'r', fields: { name: deep } }, 'fields.name'],
      [{ id: 'r', fields: { name: NaN } }, 'fields.name'],
      [{ id: 'r', fields: { name: Infinity } }, 'fields.name'],
      [{ id: 'r', fields: loop }, 'fields.again'],
    ] as const) {
      const r = await dispatch('records.update', payload);
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining(`Invalid records.update request: ${path}`) } });
      if (!r.ok) expect(Object.keys(r.error.fieldErrors ?? {}).some((k) => k.startsWith(path))).toBe(true);
    }
    expect(log).toEqual([]);
  });

  it('names an unknown method in bounded, printable words, whatever it is', async () => {
    const dispatch = createDispatcher(throwing(new Error('never')));
    expect(await dispatch('records.dropEverything', {})).toEqual({ ok: false, error: { code: 'invalid_request', message: 'Unknown request "records.dropEverything".' } });
    const long = await dispatch('x'.repeat(1_000_000), {});
    expect(!long.ok && long.error.message.length).toBeLessThan(120);
    const bidi = await dispatch('a\u202Eb\nc', {});
    expect(!bidi.ok && bidi.error.message).toBe('Unknown request "a�b�c".');
    expect(await dispatch(Object.create(null), {})).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'Unknown request of type object.' } });
  });
});

describe('the headless token', () => {
  it('is compared safely whatever the length or characters of what is given', () => {
    const token = 'abcdefghijklmnopqrstuvwxyz012345';
    expect(sameSecret(token, token)).toBe(true);
    // One non-ASCII character, the right length in characters (not in UTF-8 bytes): threw before.
    expect(sameSecret(`é${token.slice(1)}`, token)).toBe(false);
    for (const given of ['', 'x', `${token}x`, token.slice(0, -1), '😀'.repeat(16), `${token.slice(0, -1)}\u0000`]) expect(sameSecret(given, token)).toBe(false);
  });
});

describe('the key file', () => {
  const KEY = 'sk_live_4f9a8b7c6d5e4f3a2b1c';

  it('names the file and the problem when it is damaged, never a part of its contents', () => {
    const path = join(dir.path, 'secrets.json');
    for (const text of [`{"conn-1": "${KEY}"`, `{"conn-1": "${KEY}", }`, `["${KEY}"]`, `{"conn-1": {"k": "${KEY}"}}`, `${KEY}`, '']) {
      writeFileSync(path, text, { mode: 0o600 });
      const store = new SecretStore(path, fileModeOnlyCipher);
      let thrown: unknown;
      try {
        store.get('conn-1');
      } catch (error) {
        thrown = error;
      }
      expect(thrown, text).toBeInstanceOf(UserFacingError);
      const message = (thrown as Error).message;
      expect(message, text).toContain(`The key file ${path} is damaged`);
      // No 4 characters of the key (nor of anything else in the file) in the message.
      for (let i = 0; i + 4 <= KEY.length; i++) expect(message, text).not.toContain(KEY.slice(i, i + 4));
      // And the file is left as it was: writing over it would lose the other keys.
      expect(() => store.set('conn-2', 'other')).toThrow(UserFacingError);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });

  it('is written readable only by this user', () => {
    const path = join(dir.path, 'secrets.json');
    new SecretStore(path, fileModeOnlyCipher).set('a', 'b');
    expect(mode(path)).toBe(0o600);
  });

  it('keys that cannot go into an HTTP header are named as such, without their characters', () => {
    expect(apiKeyProblem('abc123-_.~+/=')).toBeNull();
    expect(apiKeyProblem('abc\r\ndef')).toMatch(/line break/);
    expect(apiKeyProblem('abc\ndef')).toMatch(/line break/);
    expect(apiKeyProblem('abc\u0000def')).toMatch(/control character/);
    expect(apiKeyProblem('abc€def')).toMatch(/position 4/);
    expect(apiKeyProblem('ab😀')).toMatch(/position 3/);
    expect(apiKeyProblem('clé')).toBeNull(); // Latin-1: a header can carry it.
  });
});

describe('the data folder', () => {
  it('is created 0700 with the database files 0600', async () => {
    const data = join(dir.path, 'nested', 'BenchSync');
    const opened = await openDatabase(join(data, 'benchsync.sqlite'));
    try {
      opened.sqlite.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      expect(mode(data)).toBe(0o700);
      for (const f of ['benchsync.sqlite', 'benchsync.sqlite-wal', 'benchsync.sqlite-shm']) {
        expect(existsSync(join(data, f)), f).toBe(true);
        expect(mode(join(data, f)), f).toBe(0o600);
      }
    } finally {
      await opened.close();
    }
  });

  it('made by an older version (0755, files 0644) is tightened when opened', async () => {
    const data = join(dir.path, 'old');
    mkdirSync(data, { mode: 0o755 });
    const first = await openDatabase(join(data, 'benchsync.sqlite'));
    await first.close();
    const { chmodSync } = await import('node:fs');
    chmodSync(data, 0o755);
    chmodSync(join(data, 'benchsync.sqlite'), 0o644);
    const again = await openDatabase(join(data, 'benchsync.sqlite'));
    try {
      expect(mode(data)).toBe(0o700);
      expect(mode(join(data, 'benchsync.sqlite'))).toBe(0o600);
    } finally {
      await again.close();
    }
  });
});

describe('connections and edits on a real database', () => {
  let opened: OpenedDatabase;
  let connections: ConnectionStore;
  beforeEach(async () => {
    opened = await openDatabase(join(dir.path, 'benchsync.sqlite'));
    connections = new ConnectionStore(opened.db, new SecretStore(join(dir.path, 'secrets.json'), fileModeOnlyCipher));
  });
  afterEach(async () => {
    await opened.close();
  });

  it('connections.save refuses a key with a line break or a non-Latin-1 character, on the apiKey field', async () => {
    for (const apiKey of ['abc\r\nX-Injected: 1', 'abc\u2028def', 'key€']) {
      await expect(connections.save({ system: 'catalog', name: 'C', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey })).rejects.toMatchObject({
        code: 'validation',
        fieldErrors: { apiKey: [expect.stringMatching(/line break|control|character/)] },
      });
    }
    expect(await connections.list()).toEqual([]);
    expect(existsSync(join(dir.path, 'secrets.json'))).toBe(false);
  });

  it('records.create of a kind the connection does not offer is a contract error, and writes nothing', async () => {
    const c = await connections.save({ system: 'catalog', name: 'C', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' });
    const mirror = new Mirror(opened.db, connections);
    await expect(mirror.edits.create(c.id, 'equipment', { name: 'x' })).rejects.toMatchObject({ constructor: UserFacingError, code: 'invalid_request', message: 'Instrument Catalog has no equipment records.' });
    const n = opened.sqlite.prepare('SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM outbox) AS n').get() as { n: number };
    expect(n.n).toBe(0);
  });
});
