import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applicationMenuRoles } from '../../src-main/shell-policy/app-menu';
import { AttentionTracker, type AttentionStatus } from '../../src-main/shell-policy/attention';
import { devRendererUrl, sqliteBindingOverride } from '../../src-main/shell-policy/dev-overrides';
import { externalLinkDecision, navigationDecision } from '../../src-main/shell-policy/external-links';
import {
  decodeBlob,
  encodeFileOnly,
  keyStoragePlan,
  keyStorageWeakness,
  parseRememberedKeyStorage,
  serializeRememberedKeyStorage,
} from '../../src-main/shell-policy/key-storage';
import { MIN_SIZE, parseWindowState, placeWindow, type Rect, serializeWindowState } from '../../src-main/shell-policy/window-bounds';

describe('external links (shell.openExternal)', () => {
  const opened = (u: string) => externalLinkDecision(u).action === 'open';

  it('opens https links to the allow-listed hosts, normalised', () => {
    expect(externalLinkDecision('https://www.brainstem.org/private/equipment/1')).toEqual({ action: 'open', url: 'https://www.brainstem.org/private/equipment/1' });
    expect(externalLinkDecision('https://WWW.BRAINSTEM.ORG/a b')).toEqual({ action: 'open', url: 'https://www.brainstem.org/a%20b' });
    expect(opened('https://console.cannlytics.com/')).toBe(true);
    expect(opened('https://api.atomscale.ai/docs')).toBe(true);
  });

  it('refuses every other scheme, host, port and credential', () => {
    for (const u of [
      'http://www.brainstem.org/',
      'https://evil.example/',
      'https://www.brainstem.org.evil.example/',
      'https://evil.example/?https://www.brainstem.org',
      'https://www.brainstem.org@evil.example/',
      'https://user:pw@www.brainstem.org/',
      'https://www.brainstem.org:8443/',
      'https://brainstem.org/',
      'https://www.brainstem.org\u3002evil.example/',
      'https:\\\\evil.example\\www.brainstem.org',
      'javascript:alert(1)//https://www.brainstem.org',
      'file:///etc/passwd',
      'http://127.0.0.1:5173/',
      'http://localhost/',
      'smb://www.brainstem.org/share',
      'data:text/html,<script>alert(1)</script>',
      'www.brainstem.org',
      '',
      `https://www.brainstem.org/${'a'.repeat(3000)}`,
    ]) {
      expect(opened(u), u).toBe(false);
    }
    expect(externalLinkDecision(42).action).toBe('refuse');
    expect(externalLinkDecision(undefined).action).toBe('refuse');
  });

  it('opens exactly the https, credential-free, default-port links to an allow-listed host (property)', () => {
    const allowed = ['www.brainstem.org', 'console.cannlytics.com', 'api.atomscale.ai', 'instrument-catalog-py.herokuapp.com'];
    const link = fc.record({
      scheme: fc.constantFrom('https', 'http', 'HTTPS', 'ftp'),
      user: fc.constantFrom('', 'u@', 'u:p@', 'www.brainstem.org@'),
      host: fc.constantFrom(...allowed, 'evil.example', 'www.brainstem.org.evil.example', 'WWW.BrainSTEM.org', 'brainstem.org', '127.0.0.1'),
      port: fc.constantFrom('', ':443', ':8443', ':80'),
      path: fc.webPath(),
    });
    fc.assert(
      fc.property(link, ({ scheme, user, host, port, path }) => {
        const d = externalLinkDecision(`${scheme}://${user}${host}${port}${path}`);
        const expected = scheme.toLowerCase() === 'https' && user === '' && (port === '' || port === ':443') && allowed.includes(host.toLowerCase());
        expect(d.action).toBe(expected ? 'open' : 'refuse');
        if (d.action === 'open') expect(new URL(d.url).hostname).toBe(host.toLowerCase());
      }),
      { numRuns: 400 },
    );
  });

  it('navigation stays only within the document shown; elsewhere it is denied and judged as a link', () => {
    const app = 'file:///opt/BenchSync/resources/app.asar/out/renderer/index.html';
    expect(navigationDecision(`${app}#/records`, app)).toEqual({ action: 'allow' });
    expect(navigationDecision('http://localhost:5173/#x', 'http://localhost:5173/')).toEqual({ action: 'allow' });
    expect(navigationDecision('file:///etc/passwd', app)).toMatchObject({ action: 'deny', link: { action: 'refuse' } });
    expect(navigationDecision('file:///opt/BenchSync/resources/app.asar/out/renderer/other.html', app).action).toBe('deny');
    expect(navigationDecision('http://localhost:5174/', 'http://localhost:5173/').action).toBe('deny');
    expect(navigationDecision('https://www.brainstem.org/x', app)).toEqual({ action: 'deny', link: { action: 'open', url: 'https://www.brainstem.org/x' } });
    expect(navigationDecision('https://evil.example/', app)).toMatchObject({ action: 'deny', link: { action: 'refuse' } });
    expect(navigationDecision('https://evil.example/', '')).toMatchObject({ action: 'deny' });
  });
});

describe('development-only environment', () => {
  it('honours ELECTRON_RENDERER_URL only unpackaged and only on loopback', () => {
    expect(devRendererUrl('http://localhost:5173', false)).toBe('http://localhost:5173/');
    expect(devRendererUrl('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173/');
    expect(devRendererUrl('http://[::1]:5173/', false)).toBe('http://[::1]:5173/');
    expect(devRendererUrl('http://localhost:5173', true)).toBeNull();
    for (const v of [undefined, '', 'not a url', 'http://evil.example/', 'http://localhost.evil.example/', 'http://127.0.0.1.nip.io/', 'http://user:pw@localhost/', 'file:///tmp/index.html', 'javascript:alert(1)', 'http://10.0.0.1/']) {
      expect(devRendererUrl(v, false), String(v)).toBeNull();
    }
  });

  it('honours BENCHSYNC_SQLITE_BINDING only unpackaged', () => {
    expect(sqliteBindingOverride('/x/.electron-native/electron-45/better_sqlite3.node', false)).toBe('/x/.electron-native/electron-45/better_sqlite3.node');
    expect(sqliteBindingOverride('/x/better_sqlite3.node', true)).toBeUndefined();
    expect(sqliteBindingOverride('/tmp/evil.so', false)).toBeUndefined();
    expect(sqliteBindingOverride(undefined, false)).toBeUndefined();
  });
});

describe('window bounds', () => {
  const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1050 };
  const left: Rect = { x: -2560, y: 0, width: 2560, height: 1400 };
  const saved = (x: number, y: number, width: number, height: number, maximized = false) => ({ bounds: { x, y, width, height }, maximized });

  it('round-trips and rejects anything it did not write', () => {
    const s = saved(-2000, 40, 1200, 800, true);
    expect(parseWindowState(serializeWindowState(s))).toEqual(s);
    for (const t of [
      null,
      '',
      'not json',
      '[]',
      'null',
      '{"bounds":{"x":0,"y":0,"width":800,"height":600}}',
      '{"version":2,"bounds":{"x":0,"y":0,"width":800,"height":600}}',
      '{"version":1,"bounds":{"x":"0","y":0,"width":800,"height":600}}',
      '{"version":1,"bounds":{"x":0.5,"y":0,"width":800,"height":600}}',
      '{"version":1,"bounds":{"x":0,"y":0,"width":0,"height":600}}',
      '{"version":1,"bounds":{"x":0,"y":0,"width":800,"height":1e9}}',
      '{"version":1,"bounds":{"x":0,"y":0,"width":800,"height":600},"maximized":"yes"}',
      '{"version":1,"bounds":null}',
    ]) {
      expect(parseWindowState(t), String(t)).toBeNull();
    }
  });

  it('opens at the default size, centred, the first time', () => {
    expect(placeWindow(null, [laptop])).toEqual({ width: 1280, height: 820, maximized: false });
    expect(placeWindow(null, [{ x: 0, y: 0, width: 1024, height: 700 }])).toEqual({ width: 1024, height: 700, maximized: false });
    expect(placeWindow(null, [])).toEqual({ width: 1280, height: 820, maximized: false });
  });

  it('puts the window back where it was, on any display, negative coordinates included', () => {
    expect(placeWindow(saved(100, 50, 1200, 800), [laptop])).toEqual({ x: 100, y: 50, width: 1200, height: 800, maximized: false });
    expect(placeWindow(saved(-2400, 100, 1600, 900, true), [laptop, left])).toEqual({ x: -2400, y: 100, width: 1600, height: 900, maximized: true });
  });

  it('centres on the primary display when its monitor is gone, and shrinks/moves it to fit', () => {
    expect(placeWindow(saved(-2400, 100, 1600, 900), [laptop])).toEqual({ width: 1600, height: 900, maximized: false });
    expect(placeWindow(saved(1800, 1000, 1200, 800), [laptop])).toEqual({ x: 720, y: 250, width: 1200, height: 800, maximized: false });
    expect(placeWindow(saved(-50, -30, 5000, 3000), [laptop])).toEqual({ x: 0, y: 0, width: 1920, height: 1050, maximized: false });
    expect(placeWindow(saved(10, 10, 100, 100), [laptop])).toMatchObject({ width: MIN_SIZE.width, height: MIN_SIZE.height });
  });

  it('always lands fully inside one of the displays (property)', () => {
    const rect = fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }), width: fc.integer({ min: 1, max: 8000 }), height: fc.integer({ min: 1, max: 8000 }) });
    const area = fc.record({ x: fc.integer({ min: -4000, max: 4000 }), y: fc.integer({ min: -4000, max: 4000 }), width: fc.integer({ min: 300, max: 4000 }), height: fc.integer({ min: 300, max: 3000 }) });
    fc.assert(
      fc.property(rect, fc.array(area, { minLength: 1, maxLength: 3 }), (bounds, areas) => {
        const p = placeWindow({ bounds, maximized: false }, areas);
        if (p.x === undefined || p.y === undefined) {
          expect(p.width).toBeLessThanOrEqual(areas[0]!.width);
          expect(p.height).toBeLessThanOrEqual(areas[0]!.height);
          return;
        }
        const inside = areas.some((a) => p.x! >= a.x && p.y! >= a.y && p.x! + p.width <= a.x + a.width && p.y! + p.height <= a.y + a.height);
        expect(inside).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('notifications: which status changes notify, once', () => {
  const status = (over: Partial<AttentionStatus> = {}): AttentionStatus => ({
    connectionId: '00000000-0000-4000-8000-000000000001',
    name: 'Lab catalog',
    state: 'idle',
    rejected: 0,
    conflicts: 0,
    removalToConfirm: null,
    ...over,
  });
  const away = { windowFocused: false };

  it('a refused key notifies on entering the state, not again while it stays', () => {
    const t = new AttentionTracker();
    expect(t.update([status()], away)).toEqual([]);
    const [n] = t.update([status({ state: 'key_rejected' })], away);
    expect(n).toMatchObject({ title: 'Lab catalog needs you' });
    expect(n!.body).toMatch(/refused the API key/);
    expect(t.update([status({ state: 'key_rejected' })], away)).toEqual([]);
    expect(t.update([status({ state: 'idle' })], away)).toEqual([]);
    expect(t.update([status({ state: 'key_rejected' })], away)).toHaveLength(1);
  });

  it('a key refused at the very first status notifies too', () => {
    expect(new AttentionTracker().update([status({ state: 'key_rejected' })], away)).toHaveLength(1);
  });

  it('more refused edits or conflicts notify; the same or fewer do not; counts from an earlier session are the baseline', () => {
    const t = new AttentionTracker();
    expect(t.update([status({ rejected: 2, conflicts: 1 })], away)).toEqual([]);
    expect(t.update([status({ rejected: 3, conflicts: 1, state: 'pushing' })], away)[0]!.body).toMatch(/3 edits were refused/);
    expect(t.update([status({ rejected: 3, conflicts: 1 })], away)).toEqual([]);
    expect(t.update([status({ rejected: 1, conflicts: 1 })], away)).toEqual([]);
    expect(t.update([status({ rejected: 1, conflicts: 2 })], away)[0]!.body).toMatch(/2 records have a conflict/);
    expect(t.update([status({ rejected: 2, conflicts: 2 })], away)[0]!.body).toMatch(/2 edits were refused/);
  });

  it('removals awaiting confirmation notify once', () => {
    const t = new AttentionTracker();
    t.update([status()], away);
    expect(t.update([status({ removalToConfirm: 40 })], away)[0]!.body).toMatch(/40 records the server no longer lists/);
    expect(t.update([status({ removalToConfirm: 41 })], away)).toEqual([]);
  });

  it('nothing is shown while the window has the focus, and it is not shown later either', () => {
    const t = new AttentionTracker();
    t.update([status()], away);
    expect(t.update([status({ state: 'key_rejected', rejected: 1 })], { windowFocused: true })).toEqual([]);
    expect(t.update([status({ state: 'key_rejected', rejected: 1 })], away)).toEqual([]);
  });

  it('one notice per connection, several reasons in it; connections are told apart', () => {
    const t = new AttentionTracker();
    const other = { connectionId: '00000000-0000-4000-8000-000000000002', name: 'BrainSTEM' };
    t.update([status(), status(other)], away);
    const notices = t.update([status({ state: 'key_rejected', rejected: 1 }), status({ ...other, conflicts: 1 })], away);
    expect(notices.map((n) => n.title)).toEqual(['Lab catalog needs you', 'BrainSTEM needs you']);
    expect(notices[0]!.body).toMatch(/API key.*1 edit was refused/);
  });

  it('a connection removed and added again starts from its new baseline', () => {
    const t = new AttentionTracker();
    t.update([status({ state: 'key_rejected' })], away);
    t.update([], away);
    expect(t.update([status({ state: 'key_rejected' })], away)).toHaveLength(1);
  });
});

describe('key storage: the safeStorage backend decision', () => {
  const linux = (backend: string, encryptionAvailable = true) => ({ platform: 'linux', encryptionAvailable, backend });

  it('uses the keychain where it protects keys', () => {
    for (const b of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) expect(keyStoragePlan(linux(b), null)).toEqual({ mode: 'keychain' });
    expect(keyStoragePlan({ platform: 'darwin', encryptionAvailable: true, backend: null }, null)).toEqual({ mode: 'keychain' });
    expect(keyStoragePlan({ platform: 'win32', encryptionAvailable: true, backend: null }, null)).toEqual({ mode: 'keychain' });
  });

  it('asks on basic_text (the hard-coded password), an unknown backend, or no encryption', () => {
    expect(keyStoragePlan(linux('basic_text'), null)).toEqual({ mode: 'ask', weakness: 'basic_text' });
    expect(keyStoragePlan(linux('unknown'), null)).toEqual({ mode: 'ask', weakness: 'unknown' });
    expect(keyStoragePlan(linux('gnome_libsecret', false), null)).toEqual({ mode: 'ask', weakness: 'unavailable' });
    expect(keyStoragePlan({ platform: 'darwin', encryptionAvailable: false, backend: null }, null)).toEqual({ mode: 'ask', weakness: 'unavailable' });
  });

  it('follows a remembered choice only for the same weakness; a keyring later wins', () => {
    const remembered = { choice: 'no-store' as const, weakness: 'basic_text' };
    expect(keyStoragePlan(linux('basic_text'), remembered)).toEqual({ mode: 'no-store', weakness: 'basic_text' });
    expect(keyStoragePlan(linux('gnome_libsecret', false), remembered)).toEqual({ mode: 'ask', weakness: 'unavailable' });
    expect(keyStoragePlan(linux('kwallet6'), remembered)).toEqual({ mode: 'keychain' });
    expect(keyStorageWeakness(linux('kwallet6'))).toBeNull();
  });

  it('the remembered choice round-trips and garbage is ignored', () => {
    const r = { choice: 'file-only' as const, weakness: 'basic_text' };
    expect(parseRememberedKeyStorage(serializeRememberedKeyStorage(r))).toEqual(r);
    for (const t of [null, '', '{', 'null', '{"version":1,"choice":"plain","weakness":"basic_text"}', '{"choice":"file-only","weakness":"basic_text"}', '{"version":1,"choice":"no-store"}']) {
      expect(parseRememberedKeyStorage(t), String(t)).toBeNull();
    }
  });

  it('file-only blobs are marked and never mistaken for safeStorage output (base64 has no colon)', () => {
    expect(decodeBlob(encodeFileOnly('k:e{y}'))).toEqual({ kind: 'file-only', plain: 'k:e{y}' });
    const b64 = Buffer.from('v10 encrypted bytes').toString('base64');
    expect(decodeBlob(b64)).toEqual({ kind: 'safe-storage', base64: b64 });
  });
});

describe('application menu', () => {
  it('has the standard roles; the app menu on macOS only', () => {
    expect(applicationMenuRoles('darwin')).toEqual(['appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'windowMenu']);
    expect(applicationMenuRoles('linux')).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'windowMenu']);
    expect(applicationMenuRoles('win32')).toContain('editMenu');
  });
});
