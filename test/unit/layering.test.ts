import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The layers of STYLE.md, enforced: shared imports nothing of main or renderer; only the shell imports electron. */
const root = join(__dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

describe('layering', () => {
  it('src-shared imports neither main, renderer, node nor electron', () => {
    for (const f of files(join(root, 'src-shared'))) {
      for (const i of imports(f)) {
        expect(i, relative(root, f)).not.toMatch(/src-main|src-renderer|^node:|^electron$|^fs$|^path$/);
      }
    }
  });

  it('only src-main/electron and the Electron entry import electron', () => {
    for (const f of files(join(root, 'src-main'))) {
      const rel = relative(root, f);
      if (rel.startsWith(join('src-main', 'electron')) || rel === join('src-main', 'index.ts')) continue;
      expect(imports(f), rel).not.toContain('electron');
    }
  });

  it('src-main/shell-policy (the shell\'s decisions) imports neither electron, node nor the core', () => {
    const dir = join(root, 'src-main', 'shell-policy');
    const found = files(dir);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      for (const i of imports(f)) {
        expect(i, relative(root, f)).toMatch(/^\.\/|^\.\.\/\.\.\/src-shared\//);
      }
    }
  });

  it('the renderer reaches main only through the contract', () => {
    for (const f of files(join(root, 'src-renderer'))) {
      for (const i of imports(f)) expect(i, relative(root, f)).not.toMatch(/src-main|^node:|^electron$|better-sqlite3|kysely/);
    }
  });

  it('only core/mirror/ writes the mirror’s tables', () => {
    const tables = 'records|outbox|id_map|approvals|categories|sync_cursors|bench_log|maintenance_schedules';
    const write = new RegExp(`(insertInto|updateTable|deleteFrom|replaceInto)\\(\\s*['"](${tables})['"]|\\b(INSERT\\s+(OR\\s+\\w+\\s+)?INTO|UPDATE|DELETE\\s+FROM)\\s+(${tables})\\b`, 'i');
    const offenders: string[] = [];
    for (const f of files(join(root, 'src-main'))) {
      const rel = relative(root, f);
      if (rel.startsWith(join('src-main', 'core', 'mirror'))) continue;
      if (write.test(readFileSync(f, 'utf8'))) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
    // The rule itself catches a write (a test that cannot fail is a defect).
    expect(write.test("trx.updateTable('outbox').set({ state: 'queued' })")).toBe(true);
    expect(write.test('DELETE FROM records WHERE id = ?')).toBe(true);
  });

  it('outside core/mirror/, only its facade (mirror.ts) is imported', () => {
    for (const f of files(join(root, 'src-main'))) {
      const rel = relative(root, f);
      if (rel.startsWith(join('src-main', 'core', 'mirror'))) continue;
      for (const i of imports(f)) {
        if (/(^|\/)mirror\//.test(i)) expect(i, rel).toMatch(/mirror\/mirror$/);
      }
    }
  });

  it('connectors reach the core only for the limiter: no database, mirror, records or outbox', () => {
    for (const f of files(join(root, 'src-main', 'connectors'))) {
      for (const i of imports(f)) expect(i, relative(root, f)).not.toMatch(/core\/(db|mirror|records|outbox|handlers|connections)|kysely|better-sqlite3/);
    }
  });
});
