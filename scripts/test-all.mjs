// `npm test`: every test, then one closing line "N passed, N failed" for whoever reads the log.
// Runs vitest (unit, integration, sandbox conformance), builds the app, then Playwright in Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

// Not test-results/: Playwright empties that folder when it starts.
const results = 'test-summary';
mkdirSync(results, { recursive: true });
const vitestJson = `${results}/vitest.json`;
const playwrightJson = `${results}/playwright.json`;
for (const f of [vitestJson, playwrightJson]) rmSync(f, { force: true });

const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const npx = (args, env) => run('npx', args, env);

const unit = npx(['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`]);
const build = npx(['electron-vite', 'build']);
const e2e = build === 0 ? npx(['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson }) : 1;

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + v.numTodoTests;
} else failed += 1;
if (existsSync(playwrightJson)) {
  const s = JSON.parse(readFileSync(playwrightJson, 'utf8')).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  skipped += s.skipped;
} else failed += 1;
if (build !== 0) failed += 1;

console.log(`\nunit+integration exit ${unit}, build exit ${build}, e2e exit ${e2e}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(unit === 0 && build === 0 && e2e === 0 && failed === 0 ? 0 : 1);
