import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonDepthOver, MAX_RETRY_AFTER_MS, retryAfterMs } from '../../src-main/connectors/http';
import { RateLimiter } from '../../src-main/core/sync/rate-limiter';

afterEach(() => vi.restoreAllMocks());

describe('reply guards', () => {
  it('measures JSON nesting without parsing, skipping brackets inside strings', () => {
    expect(jsonDepthOver('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(jsonDepthOver('{"a":[1,{"b":[[]]}]}', 4)).toBe(true);
    expect(jsonDepthOver('{"a":"[[[[[[[[\\"[[[["}', 2)).toBe(false);
    expect(jsonDepthOver('['.repeat(100_000), 64)).toBe(true);
  });

  it('caps Retry-After at an hour, in seconds or as a date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '999999999' }))).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(Date.now() + 10 * 86_400_000).toUTCString() }))).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
  });

  it('a limiter paused for decades sleeps instead of spinning a 1 ms timer', async () => {
    const limiter = new RateLimiter([{ limit: 5, windowMs: 1_000 }]);
    limiter.pauseFor(30 * 365 * 86_400_000);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    let granted = false;
    const waiting = limiter.acquire().then(() => (granted = true), () => undefined);
    // Our own 100 ms wait is one timer; the limiter's is one more, not one a millisecond.
    await new Promise((r) => setTimeout(r, 100));
    expect(granted).toBe(false);
    expect(timers.mock.calls.length).toBe(2);
    limiter.cancelAll('done');
    await waiting;
  });
});
