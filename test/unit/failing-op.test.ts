import { describe, expect, it } from 'vitest';
import { failsOnThisOp, MAX_SERVER_FAILURES } from '../../src-main/core/sync/failing-op';

describe('an op failing on the server, or a server failing at random', () => {
  it('a run of 5xx on one op while the others are answered well: the op', () => {
    expect(failsOnThisOp(MAX_SERVER_FAILURES, 1, 0)).toBe(true);
    expect(failsOnThisOp(MAX_SERVER_FAILURES, 20, 4)).toBe(true);
  });
  it('not before the run is long enough, nor when nothing else was answered', () => {
    expect(failsOnThisOp(MAX_SERVER_FAILURES - 1, 50, 0)).toBe(false);
    expect(failsOnThisOp(MAX_SERVER_FAILURES, 0, 0)).toBe(false);
  });
  it('a server that fails other requests too (a flaky server, the torture run’s random 503s) is not this op’s fault', () => {
    // Seen in the full torture run, seed 2: a create marked failing under a 50 % 503 schedule.
    expect(failsOnThisOp(MAX_SERVER_FAILURES, 6, 5)).toBe(false);
    expect(failsOnThisOp(MAX_SERVER_FAILURES, 20, 6)).toBe(false);
  });
});
