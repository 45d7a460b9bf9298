import { describe, expect, it } from 'vitest';
import { zeroCounts } from '../torture/model';
import { runTorture } from '../torture/torture';

/**
 * The short torture run: the same trials `npm run torture` runs, fewer of them, fixed seed.
 * The app runs as a child process that is killed -9 and quit mid-sync; every count must be 0.
 * A failure prints each failing trial's name and log; replay one alone with
 *   npm run torture -- --trial-seed <kind:seed> --repeat 5
 * Every trial kills its child and removes its data dir and emulators in a finally, so a failing
 * or timed-out assertion leaves nothing behind.
 */
const SEED = 20_251_201;

describe('torture (short)', () => {
  it(
    'no edit is lost or sent twice across kill -9, graceful quits and fault schedules',
    async () => {
      // No trial starts after the deadline, so the test ends (and cleans up) before vitest's timeout;
      // trials cut off that way fail the trial-count check below.
      const summary = await runTorture({ seed: SEED, crashTrials: 16, faultSchedules: 4, quits: 6, jobs: 2, deadlineMs: 180_000 });
      const report = summary.failures.map((f) => `\n--- ${f.trial} ${JSON.stringify(f.counts)}\n${f.log.join('\n')}`).join('\n');
      expect(summary.trials).toEqual({ crash: 16, faults: 4, quit: 6 });
      expect(summary.counts, `${summary.failedTrials} trial(s) failed (seed ${SEED}):${report}`).toEqual(zeroCounts());
    },
    // Each trial is bounded (drain 10-15 s, calls 10 s); 26 trials on 2 workers take ~60-90 s.
    240_000,
  );
});
