import { COUNT_NAMES } from './model';
import { parseTrialName, runTorture, type TortureOptions, type TortureSummary, trialName } from './torture';

/**
 * npm run torture [-- flags]
 *   --seed N              run seed (default: random, printed); the same seed plans the same trials
 *   --crash-trials N      trials ending in kill -9 (default 300)
 *   --fault-schedules N   trials under a dense fault schedule, no restarts (default 30)
 *   --quits N             trials ending in graceful quits while pushing (default 40)
 *   --quick               30 / 5 / 5
 *   --trial-seed K:N      replay one trial alone (as printed for a failure), e.g. crash:123456; repeatable
 *   --repeat N            with --trial-seed: run each named trial N times (timing races may need a few)
 *   --jobs N              trials side by side (default 2)
 *   --json                print ONE JSON object (counts, trial numbers, failing trials with their logs)
 *   --verbose             print every trial's log, not only failing ones
 *   --tsx                 start the app child through tsx instead of a bundle (slower)
 * Exit code: 0 when every count is 0, 1 otherwise.
 */
function parseArgs(argv: string[]) {
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const boolean = ['json', 'quick', 'verbose', 'tsx', 'help'].includes(name);
    const value = boolean ? 'true' : (inline ?? argv[++i]);
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  const num = (name: string, fallback: number) => {
    const v = flags.get(name)?.at(-1);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} takes a whole number`);
    return Number(v);
  };
  const quick = flags.has('quick');
  return {
    help: flags.has('help'),
    json: flags.has('json'),
    verbose: flags.has('verbose'),
    options: {
      seed: num('seed', Math.floor(Math.random() * 2 ** 31)),
      crashTrials: num('crash-trials', quick ? 30 : 300),
      faultSchedules: num('fault-schedules', quick ? 5 : 30),
      quits: num('quits', quick ? 5 : 40),
      jobs: num('jobs', 2),
      only: flags.get('trial-seed')?.flatMap((t) => Array.from({ length: num('repeat', 1) }, () => parseTrialName(t))),
      useTsx: flags.has('tsx'),
    } satisfies TortureOptions,
  };
}

function printHuman(summary: TortureSummary): void {
  const t = summary.trials;
  console.log(`\nseed ${summary.seed}: ${t.crash} crash trials, ${t.faults} fault schedules, ${t.quit} graceful-quit trials in ${(summary.ms / 1000).toFixed(0)} s`);
  console.log(COUNT_NAMES.map((k) => `${k} ${summary.counts[k]}`).join(', '));
  console.log(`${summary.failedTrials} trial(s) failed.`);
  for (const f of summary.failures) {
    console.log(`\n--- ${f.trial} ${JSON.stringify(f.counts)}  (replay: npm run torture -- --trial-seed ${f.trial})`);
    for (const line of f.log) console.log(`  ${line}`);
  }
}

async function main(): Promise<number> {
  const { help, json, verbose, options } = parseArgs(process.argv.slice(2));
  if (help) {
    console.log('npm run torture -- [--seed N] [--crash-trials N] [--fault-schedules N] [--quits N] [--quick] [--trial-seed kind:N [--repeat N]] [--jobs N] [--json] [--verbose] [--tsx]');
    return 0;
  }
  if (!json) console.error(`torture seed ${options.seed} (replay the whole run with --seed ${options.seed})`);
  const summary = await runTorture({
    ...options,
    onTrial: (r, done, total) => {
      if (json) return;
      const bad = COUNT_NAMES.filter((k) => r.counts[k] > 0).map((k) => `${k} ${r.counts[k]}`);
      console.error(`[${done}/${total}] ${trialName(r.kind, r.seed)} ${(r.ms / 1000).toFixed(1)} s ${bad.length ? `FAILED: ${bad.join(', ')}` : 'ok'}`);
      if (verbose) for (const line of r.log) console.error(`    ${line}`);
    },
  });
  if (json) console.log(JSON.stringify(summary));
  else printHuman(summary);
  return summary.failedTrials === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
