// `npm run lint:electron`: Electronegativity (Doyensec's Electron security scanner) over the
// project's sources (the files git tracks or would track: not out/, whose bundle drops the review
// comments below, nor node_modules); fails on any HIGH or MEDIUM finding, and on any file it could not parse (a file it
// cannot read is a file it did not check). LOW and INFORMATIONAL findings are printed only.
// A finding that a human reviewed is silenced in place with `// eng-disable CHECK_ID reviewed: why`.
// AvailableSecurityFixesGlobalCheck is left out: it asks GitHub for newer Electron releases, which
// would make the result depend on the network and on the day (updating Electron is Renovate's job).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const run = require('@doyensec/electronegativity');
const electronVersion = require('electron/package.json').version;
const options = { isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: ['availablesecurityfixesglobalcheck'] };
const failing = (issue) => issue.severity.name === 'HIGH' || issue.severity.name === 'MEDIUM';

async function scan(input) {
  // It prints a line when it cannot fetch its translations (offline); nothing else of it is needed.
  const log = console.log;
  console.log = () => {};
  try {
    return await run({ ...options, input });
  } finally {
    console.log = log;
  }
}

// The scanner is live: a window without the hardening it looks for must be reported.
const canaryDir = mkdtempSync(join(tmpdir(), 'benchsync-electronegativity-'));
try {
  writeFileSync(join(canaryDir, 'main.js'), "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { preload: 'p.js' } });\n");
  const canary = await scan(canaryDir);
  if (!canary.issues.some((i) => i.id === 'AUXCLICK_JS_CHECK' && failing(i))) {
    console.error('lint:electron: Electronegativity did not report a known-bad window; the scan cannot be trusted.');
    process.exit(1);
  }
} finally {
  rmSync(canaryDir, { recursive: true, force: true });
}

/** A copy of the sources the scanner reads, as git sees them (tracked, or new and not ignored). */
function sourceCopy() {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) {
    console.error(`lint:electron: git ls-files failed: ${listed.stderr || listed.error}`);
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'benchsync-electronegativity-src-'));
  for (const file of listed.stdout.split('\0')) {
    if (!/\.(js|jsx|ts|tsx|mjs|cjs|html|htm)$|(^|\/)package\.json$/.test(file)) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(dir, file));
    } catch {
      // Deleted in the work tree but still tracked: nothing to scan.
    }
  }
  return dir;
}

const sources = sourceCopy();
let result;
try {
  result = await scan(sources);
} finally {
  rmSync(sources, { recursive: true, force: true });
}
const { issues, errors, globalChecks, atomicChecks } = result;
const counts = { HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0 };
for (const issue of issues) {
  counts[issue.severity.name] = (counts[issue.severity.name] ?? 0) + 1;
  const where = `${issue.file}:${issue.location.line}:${issue.location.column}`;
  console.log(`${failing(issue) ? 'FAIL' : 'note'} ${issue.severity.name}/${issue.confidence.name} ${issue.id} ${where}  ${issue.description}`);
}
const unparsed = errors.filter((e) => !e.tolerable);
for (const e of unparsed) console.log(`FAIL could not parse ${e.file}: ${e.message}`);
console.log(
  `Electronegativity ${require('@doyensec/electronegativity/package.json').version} (Electron ${electronVersion}, ${globalChecks} global + ${atomicChecks} atomic checks): ` +
    `${counts.HIGH} high, ${counts.MEDIUM} medium, ${counts.LOW} low, ${counts.INFORMATIONAL} informational; ${unparsed.length} files not parsed`,
);
process.exit(counts.HIGH + counts.MEDIUM + unparsed.length === 0 ? 0 : 1);
