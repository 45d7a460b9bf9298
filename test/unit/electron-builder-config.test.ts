import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm run dist` cannot run on the build machines (electron-builder downloads Electron), so its
 * configuration is checked here against the JSON schema electron-builder itself validates with
 * (app-builder-lib/scheme.json, shipped in the electron-builder dev dependency), plus what
 * BenchSync needs from it.
 */
const root = join(__dirname, '..', '..');
const require = createRequire(join(root, 'package.json'));
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as Record<string, any>;

function validator() {
  const Ajv = require('ajv') as typeof import('ajv').default;
  let schemaPath: string;
  try {
    schemaPath = require.resolve('app-builder-lib/scheme.json');
  } catch {
    throw new Error('app-builder-lib/scheme.json not found: electron-builder is a dev dependency, run npm install');
  }
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, allowUnionTypes: true });
  // The schema's one non-standard keyword: "a function" (only possible in a .js config; never in JSON).
  ajv.addKeyword({ keyword: 'typeof', schemaType: 'string', validate: (type: string, data: unknown) => typeof data === type });
  return ajv.compile(schema);
}

describe('electron-builder.json', () => {
  const validate = validator();

  it('is valid against electron-builder’s own schema', () => {
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail (a test that cannot fail is a defect)', () => {
    expect(validate({ ...config, linux: { target: 42 } })).toBe(false);
    expect(validate({ ...config, asarUnpak: ['x'] })).toBe(false);
    expect(validate({ ...config, afterPack: 7 })).toBe(false);
  });

  it('builds AppImage and deb, NSIS, dmg', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
  });

  it('puts an Electron-ABI SQLite module in the package, outside app.asar, without rebuilding node_modules', () => {
    // electron-builder's own rebuild works in node_modules in place: the Node build that the tests
    // and headless mode load would be replaced. scripts/after-pack.cjs replaces the packaged copy instead.
    expect(config.npmRebuild).toBe(false);
    expect(config.afterPack).toBe('./scripts/after-pack.cjs');
    const hook = readFileSync(join(root, config.afterPack), 'utf8');
    expect(hook).toMatch(/electronSqliteBinding\(electronVersion, platform, arch\)/);
    expect(hook).toMatch(/app\.asar\.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3\.node'/);
    expect(config.asar).not.toBe(false);
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**/*');
  });

  it('ships only the built app, and its afterPack hook exists', () => {
    expect(config.files).toEqual(['out/**/*', 'package.json']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main.startsWith('out/')).toBe(true);
    expect(existsSync(join(root, config.afterPack))).toBe(true);
  });
});
