/**
 * `npm run bench [-- --json] [-- --quick]`: performance figures against the sandbox on loopback,
 * reported as ratios to a bound or baseline measured in the same run. Never asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { benchCatalog } from './catalog-bench';
import { benchWorkspace } from './workspace-bench';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const quick = process.argv.includes('--quick');
  // The typing figure drives the built renderer: build it from these sources first (a few seconds).
  const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error(`electron-vite build failed (status ${build.status})`);
  const catalog = await benchCatalog();
  const workspace = await benchWorkspace(quick ? 10_000 : 100_000);
  if (json) {
    process.stdout.write(`${JSON.stringify({ catalog, workspace })}\n`);
    return;
  }
  const w = workspace;
  const lines = [
    `Instrument Catalog (emulator and client limits scaled ×${catalog.rateLimitScale}: ${2 * catalog.rateLimitScale}/s and ${50 * catalog.rateLimitScale}/min)`,
    `  drain ${catalog.drainEdits} queued edits:        ${catalog.drainMs} ms; rate-limit bound ${catalog.drainBoundMs} ms; ratio ${catalog.drainOverBound}`,
    `  429 answers while draining:      ${catalog.rateLimited429}`,
    `  ${catalog.coalesceEdits} edits on ${catalog.coalesceRecords} records:      ${catalog.requestsSent} requests = ${catalog.requestsPerEdit} per edit (1.0 without coalescing)`,
    ``,
    `Workspace (emulators in another process, limits off)`,
    `  pull ${w.equipmentRecords} BrainSTEM equipment: ${w.pullMs} ms (${w.pullRecordsPerSecond} records/s), peak RSS ${w.peakRssMb} MB`,
    `  IPC round trip p99:              idle ${w.ipcIdleP99Ms} ms, during the pull ${w.ipcDuringPullP99Ms} ms; ratio ${w.ipcP99Ratio}`,
    `  search p95 over ${w.mixedRecords} records:  ${w.searchP95Ms} ms via IPC; same query in raw SQL ${w.rawSqlP95Ms} ms; ratio ${w.searchOverRawSql}`,
    `  the query before 0008, raw SQL:  ${w.previousQueryRawSqlP95Ms} ms p95; ratio to today's ${w.previousOverRawSql}`,
    `  typing in search, key to list:   p95 ${w.typeToListP95Ms} ms, p50 ${w.typeToListP50Ms} ms over ${w.keystrokes} keys (Chromium); those texts in raw SQL p95 ${w.typedRawSqlP95Ms} ms; ratio ${w.typeToListOverRawSql}`,
    `  load average (1 min) around the search figures: ${w.loadAverage.join(' → ')} on ${availableParallelism()} cores`,
    `  cold start to first page:        ${w.coldStartFirstPageMs} ms; raw SQLite open + page ${w.rawOpenFirstPageMs} ms; ratio ${w.coldStartOverRaw}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
