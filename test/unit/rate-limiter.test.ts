import { describe, expect, it, vi } from 'vitest';
import { type LimiterSlot, RateLimiter, rateLimitBoundMs } from '../../src-main/core/sync/rate-limiter';
import { FixedWindowLimiter, perSecondAndMinute } from '../sandbox/common/fixed-window-limiter';

/** Drives the limiter with a fake clock: timers still fire, but "now" is ours. */
function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Under fake timers: acquires a slot, advancing time 1 ms at a time until it is granted. */
async function take(limiter: RateLimiter): Promise<LimiterSlot> {
  let slot: LimiterSlot | undefined;
  void limiter.acquire().then((s) => (slot = s));
  for (let i = 0; i < 100_000 && !slot; i++) await vi.advanceTimersByTimeAsync(1);
  if (!slot) throw new Error('never granted');
  return slot;
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

  it('times a reported slot by its answer, not grant + margin: the next window opens a window after the answer', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter([{ limit: 2, windowMs: 1_000 }], { marginMs: 50, now: clock.now });
    const a = await limiter.acquire();
    a.sent();
    clock.advance(3);
    a.answered();
    const b = await limiter.acquire();
    b.sent();
    clock.advance(3);
    b.answered();
    // Full: the third waits for a's answer (t0 + 3) + 1000, not t0 + 1050.
    expect(limiter.estimateMs(1)).toBe(1_000 - 3);
  });

  it('tryAcquire grants only what the windows have room for now, never ahead of a waiter or a pause', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter([{ limit: 3, windowMs: 1_000 }], { marginMs: 0, now: clock.now });
    const slots = [limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()];
    expect(slots.every((s) => s !== null)).toBe(true);
    // Full: nothing more until a window after the first.
    expect(limiter.tryAcquire()).toBeNull();
    clock.advance(1_000);
    expect(limiter.tryAcquire()).not.toBeNull();
    // A request in flight keeps its slot however old it is.
    clock.advance(5_000);
    const inFlight = limiter.tryAcquire()!;
    inFlight.sent();
    limiter.tryAcquire()!.sent();
    limiter.tryAcquire()!.sent();
    clock.advance(5_000);
    expect(limiter.tryAcquire()).toBeNull();
    inFlight.answered();
    expect(limiter.tryAcquire()).toBeNull();
    // Someone waiting for a slot goes first, even once the window has room.
    let waited = false;
    const waiting = limiter.acquire().then(() => (waited = true));
    clock.advance(1_000);
    expect(limiter.tryAcquire()).toBeNull();
    limiter.pauseFor(0); // re-checks now (the fake clock moved without a timer firing)
    await waiting;
    expect(waited).toBe(true);
    limiter.pauseFor(500);
    clock.advance(2_000);
    expect(limiter.tryAcquire()).not.toBeNull();
    limiter.pauseFor(500);
    expect(limiter.tryAcquire()).toBeNull();
    limiter.cancelAll('stopped');
    clock.advance(10_000);
    expect(limiter.tryAcquire()).toBeNull();
  });

  it('says how long until a slot can open: 0 with room, the window otherwise, Infinity while it waits on an answer', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter([{ limit: 2, windowMs: 1_000 }], { marginMs: 0, now: clock.now });
    expect(limiter.msUntilSlot()).toBe(0);
    const a = limiter.tryAcquire()!;
    a.sent();
    expect(limiter.msUntilSlot()).toBe(0);
    limiter.tryAcquire()!.sent();
    // Full, and the oldest slot's request is still out: no time can be told until it is answered.
    expect(limiter.msUntilSlot()).toBe(Infinity);
    clock.advance(10);
    a.answered();
    expect(limiter.msUntilSlot()).toBe(1_000);
    clock.advance(400);
    expect(limiter.msUntilSlot()).toBe(600);
    limiter.pauseFor(5_000);
    expect(limiter.msUntilSlot()).toBe(5_000);
  });

  it('counts the slots free at a later time, with every window and requests still out counted as taken', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(
      [
        { limit: 3, windowMs: 1_000 },
        { limit: 4, windowMs: 60_000 },
      ],
      { marginMs: 0, now: clock.now },
    );
    const t0 = clock.now();
    expect(limiter.slotsFreeAt(t0)).toBe(3);
    const a = limiter.tryAcquire()!;
    a.sent();
    clock.advance(100);
    const b = limiter.tryAcquire()!;
    b.sent();
    clock.advance(100);
    a.answered(); // stamped at t0 + 200
    clock.advance(100);
    b.answered(); // stamped at t0 + 300
    expect(limiter.slotsFreeAt(clock.now())).toBe(1);
    // a's stamp leaves the second's window at 1,200, b's at 1,300.
    expect(limiter.slotsFreeAt(t0 + 1_199)).toBe(1);
    expect(limiter.slotsFreeAt(t0 + 1_200)).toBe(2);
    // The second's window is empty then, but the minute's holds both: 2 of its 4 are left.
    expect(limiter.slotsFreeAt(t0 + 1_300)).toBe(2);
    // A request still out is taken whenever the question is asked; the minute window then has
    // 1 of its 4 left, though the second's has 2.
    limiter.tryAcquire()!.sent();
    expect(limiter.slotsFreeAt(t0 + 5_000)).toBe(1);
    // Once a and b are a minute old, the second's window decides again.
    expect(limiter.slotsFreeAt(t0 + 60_300)).toBe(2);
    limiter.pauseFor(10_000);
    expect(limiter.slotsFreeAt(clock.now() + 9_000)).toBe(0);
    limiter.cancelAll('stopped');
    expect(limiter.slotsFreeAt(clock.now() + 20_000)).toBe(0);
  });

  it('a slot nobody reports on keeps the grant + margin stamp', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter([{ limit: 1, windowMs: 1_000 }], { marginMs: 50, now: clock.now });
    await limiter.acquire();
    expect(limiter.estimateMs(1)).toBe(1_050);
  });

  it('a request in flight holds its slot until answered, however late the answer', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter([{ limit: 1, windowMs: 1_000 }], { marginMs: 50, now: clock.now });
    const a = await limiter.acquire();
    a.sent();
    let granted = false;
    const next = limiter.acquire().then((s) => {
      granted = true;
      return s;
    });
    // Long past grant + margin + window: still in flight, so it may yet be counted now.
    clock.advance(5_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(granted).toBe(false);
    a.answered();
    await new Promise((r) => setTimeout(r, 20));
    expect(granted).toBe(false);
    // One window after the answer.
    clock.advance(1_000);
    limiter.pauseFor(0); // re-checks now (the fake clock moved without a timer firing)
    await next;
    expect(granted).toBe(true);
  });

  it('a failed request is stamped when it failed', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter([{ limit: 1, windowMs: 1_000 }], { marginMs: 50, now: clock.now });
    const a = await limiter.acquire();
    a.sent();
    clock.advance(300);
    a.failed();
    expect(limiter.estimateMs(1)).toBe(1_000);
  });

  /**
   * One request at a time, as the engine pushes: the server counts each one after a delay, now and
   * then far longer than the margin (a starved event loop, a queue), and answers 1 ms later.
   */
  async function lateArrivals(report: boolean): Promise<number> {
    vi.useFakeTimers({ now: 1_700_000_000_123 });
    try {
      const client = new RateLimiter([{ limit: 5, windowMs: 1_000 }], { marginMs: 50 });
      const server = new FixedWindowLimiter([{ limit: 5, windowMs: 1_000, description: '5 per 1 second' }]);
      let seed = 7;
      const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      let refused = 0;
      for (let i = 0; i < 80; i++) {
        const slot = await take(client);
        if (report) slot.sent();
        await vi.advanceTimersByTimeAsync(rnd() < 0.2 ? 200 + Math.floor(rnd() * 1_500) : Math.floor(rnd() * 5));
        if (!server.hit('user').allowed) refused++;
        await vi.advanceTimersByTimeAsync(1);
        if (report) slot.answered();
      }
      return refused;
    } finally {
      vi.useRealTimers();
    }
  }

  it('is never refused by fixed windows even when requests reach the server late', async () => {
    expect(await lateArrivals(true)).toBe(0);
  });

  it('the same late arrivals are refused when slots are timed at the grant (why answers are used)', async () => {
    expect(await lateArrivals(false)).toBeGreaterThan(0);
  });
});
