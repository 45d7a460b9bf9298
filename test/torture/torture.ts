import { prepareAppLauncher } from './bundle';
import { addCounts, COUNT_NAMES, type Counts, zeroCounts } from './model';
import { runTrial, type TrialKind, type TrialResult } from './trial';

export interface TortureOptions {
  seed: number;
  crashTrials: number;
  faultSchedules: number;
  quits: number;
  /** Trials run side by side (each has its own emulators, app process and data dir). */
  jobs: number;
  /** Replay these trials only, e.g. from a failure report. */
  only?: { kind: TrialKind; seed: number }[];
  useTsx?: boolean;
  /** No trial starts after this many ms (a bound for callers with a timeout); the summary counts what ran. */
  deadlineMs?: number;
  /** Called after each trial (progress lines). */
  onTrial?(result: TrialResult, done: number, total: number): void;
}

export interface TortureSummary {
  seed: number;
  trials: Record<TrialKind, number>;
  counts: Counts;
  failedTrials: number;
  /** The first failing trials of each kind of failure, for replaying alone. */
  failures: { trial: string; counts: Partial<Counts>; log: string[] }[];
  ms: number;
}

const KIND_SALT: Record<TrialKind, number> = { crash: 1, faults: 2, quit: 3 };

/** A trial's seed from the run's: stable per (run seed, kind, index), spread over 32 bits. */
export function trialSeed(runSeed: number, kind: TrialKind, index: number): number {
  let h = (Math.imul(runSeed >>> 0, 0x9e3779b1) ^ Math.imul(KIND_SALT[kind], 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0 || 1;
}

/** How a trial is named in reports and passed back to `--trial-seed`. */
export const trialName = (kind: TrialKind, seed: number) => `${kind}:${seed}`;

export function parseTrialName(text: string): { kind: TrialKind; seed: number } {
  const m = /^(crash|faults|quit):(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`a trial is named kind:seed, e.g. crash:123456 (got "${text}")`);
  return { kind: m[1] as TrialKind, seed: Number(m[2]) };
}

const MAX_REPORTED_FAILURES = 12;

export async function runTorture(o: TortureOptions): Promise<TortureSummary> {
  const t0 = Date.now();
  const plan: { kind: TrialKind; seed: number }[] = o.only ?? [
    ...Array.from({ length: o.crashTrials }, (_, i) => ({ kind: 'crash' as const, seed: trialSeed(o.seed, 'crash', i) })),
    ...Array.from({ length: o.faultSchedules }, (_, i) => ({ kind: 'faults' as const, seed: trialSeed(o.seed, 'faults', i) })),
    ...Array.from({ length: o.quits }, (_, i) => ({ kind: 'quit' as const, seed: trialSeed(o.seed, 'quit', i) })),
  ];
  const launcher = await prepareAppLauncher(o.useTsx);
  const counts = zeroCounts();
  const trials: Record<TrialKind, number> = { crash: 0, faults: 0, quit: 0 };
  const failures: TortureSummary['failures'] = [];
  const shownKinds = new Set<string>();
  let failedTrials = 0;
  let next = 0;
  let done = 0;

  const worker = async () => {
    while (next < plan.length && (o.deadlineMs === undefined || Date.now() - t0 < o.deadlineMs)) {
      const { kind, seed } = plan[next++]!;
      const result = await runTrial(kind, seed, launcher);
      trials[kind]++;
      addCounts(counts, result.counts);
      if (result.failed) {
        failedTrials++;
        // Keep one trial per combination of failure kinds first, then any, up to the cap.
        const signature = COUNT_NAMES.filter((k) => result.counts[k] > 0).join('+');
        if (failures.length < MAX_REPORTED_FAILURES && (!shownKinds.has(signature) || failures.length < MAX_REPORTED_FAILURES / 2)) {
          shownKinds.add(signature);
          const nonZero = Object.fromEntries(COUNT_NAMES.filter((k) => result.counts[k] > 0).map((k) => [k, result.counts[k]]));
          failures.push({ trial: trialName(kind, seed), counts: nonZero, log: result.log });
        }
      }
      o.onTrial?.(result, ++done, plan.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  } finally {
    launcher.dispose();
  }
  return { seed: o.seed, trials, counts, failedTrials, failures, ms: Date.now() - t0 };
}
