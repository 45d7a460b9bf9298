/**
 * `npm run bench [-- --json]`: performance figures against the sandbox on loopback, reported as
 * ratios to a bound or baseline measured in the same run. Never asserted in tests.
 */
import { benchCatalog } from './catalog-bench';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const catalog = await benchCatalog();
  if (json) {
    process.stdout.write(`${JSON.stringify({ catalog })}\n`);
    return;
  }
  const lines = [
    `Instrument Catalog (emulator and client limits scaled ×${catalog.rateLimitScale}: ${2 * catalog.rateLimitScale}/s and ${50 * catalog.rateLimitScale}/min)`,
    `  drain ${catalog.drainEdits} queued edits:       ${catalog.drainMs} ms; rate-limit bound ${catalog.drainBoundMs} ms; ratio ${catalog.drainOverBound}`,
    `  429 answers while draining:     ${catalog.rateLimited429}`,
    `  ${catalog.coalesceEdits} edits on ${catalog.coalesceRecords} records:     ${catalog.requestsSent} requests sent = ${catalog.requestsPerEdit} requests per edit (1.0 without coalescing)`,
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
