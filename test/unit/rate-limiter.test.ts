import { describe, expect, it, vi } from 'vitest';
import { RateLimiter, rateLimitBoundMs } from '../../src-main/core/sync/rate-limiter';
import { FixedWindowLimiter, perSecondAndMinute } from '../sandbox/common/fixed-window-limiter';

/** Drives the limiter with a fake clock: timers still fire, but "now" is ours. */
function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RateLimiter (client side)', () => {
  it('never lets more than the limit through in any window, under both limits', async () => {
    const windows = [
      { limit: 2, windowMs: 100 },
      { limit: 5, windowMs: 1_000 },
    ];
    const limiter = new RateLimiter(windows, { marginMs: 0 });
    const sent: number[] = [];
    const started = Date.now();
    await Promise.all(Array.from({ length: 7 }, () => limiter.acquire().then(() => sent.push(Date.now() - started))));
    for (const w of windows) {
      for (const t of sent) expect(sent.filter((s) => s >= t && s < t + w.windowMs - 5).length).toBeLessThanOrEqual(w.limit);
    }
    // Seven sends at 5 per second must take at least one second.
    expect(sent[6]!).toBeGreaterThanOrEqual(990);
  });

  it('serves higher priority first', async () => {
    const limiter = new RateLimiter([{ limit: 1, windowMs: 50 }], { marginMs: 0 });
    await limiter.acquire();
    const order: string[] = [];
    await Promise.all([
      limiter.acquire(0).then(() => order.push('poll')),
      limiter.acquire(10).then(() => order.push('push')),
    ]);
    expect(order).toEqual(['push', 'poll']);
  });

  it('pauses everything after a 429', async () => {
    const limiter = new RateLimiter([{ limit: 100, windowMs: 1_000 }], { marginMs: 0 });
    limiter.pauseFor(200);
    const t0 = Date.now();
    await limiter.acquire();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('estimates a queue at the limit', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(
      [
        { limit: 2, windowMs: 1_000 },
        { limit: 50, windowMs: 60_000 },
      ],
      { marginMs: 0, now: clock.now },
    );
    expect(limiter.estimateMs(0)).toBe(0);
    // 2/s: 10 requests need 4.5 windows of a second after the first pair.
    expect(limiter.estimateMs(10)).toBe(4_000);
    // The 51st request waits for the minute window.
    expect(limiter.estimateMs(51)).toBe(60_000);
    // 200 requests: four minute-batches of 50, each batch 25 s at 2/s; the last starts at 180 s.
    expect(rateLimitBoundMs([{ limit: 2, windowMs: 1_000 }, { limit: 50, windowMs: 60_000 }], 200)).toBe(204_000);
  });

  it('a client pacing itself by the sliding limiter is never refused by the server’s fixed windows', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_123 });
    try {
      const windows = [
        { limit: 2, windowMs: 1_000 },
        { limit: 50, windowMs: 60_000 },
      ];
      const client = new RateLimiter(windows, { marginMs: 0 });
      const server = new FixedWindowLimiter(perSecondAndMinute(2, 50));
      const refused: number[] = [];
      const all = Array.from({ length: 120 }, (_, i) =>
        client.acquire().then(() => {
          if (!server.hit('user').allowed) refused.push(i);
        }),
      );
      await vi.advanceTimersByTimeAsync(200_000);
      await Promise.all(all);
      expect(refused).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
