/**
 * Fixed-window rate limiter, as Flask-Limiter's `fixed-window` strategy with memory storage:
 * each window starts at a multiple of its length, and a hit counts against every window.
 * All windows must have room for the hit to pass; a refused hit is not counted.
 */
export interface RateLimitWindow {
  limit: number;
  /** Window length in milliseconds. */
  windowMs: number;
  /** How the breach is described, e.g. "2 per 1 second". */
  description: string;
}

export interface LimitDecision {
  allowed: boolean;
  /** The window that refused the hit. */
  breached?: RateLimitWindow;
  /** Milliseconds until the breached window resets. */
  retryAfterMs?: number;
}

export class FixedWindowLimiter {
  private readonly counts = new Map<string, { windowStart: number; count: number }>();

  constructor(
    private readonly windows: readonly RateLimitWindow[],
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): LimitDecision {
    const t = this.now();
    const slots = this.windows.map((w, i) => {
      const windowStart = Math.floor(t / w.windowMs) * w.windowMs;
      const slotKey = `${key}\u0000${i}`;
      const slot = this.counts.get(slotKey);
      const count = slot && slot.windowStart === windowStart ? slot.count : 0;
      return { w, slotKey, windowStart, count };
    });
    const breach = slots.find((s) => s.count >= s.w.limit);
    if (breach) {
      return { allowed: false, breached: breach.w, retryAfterMs: breach.windowStart + breach.w.windowMs - t };
    }
    for (const s of slots) this.counts.set(s.slotKey, { windowStart: s.windowStart, count: s.count + 1 });
    return { allowed: true };
  }

  reset(): void {
    this.counts.clear();
  }
}

/** "50/minute;2/second" style windows, scaled by `factor` (factor 10 allows 10x as many hits). */
export function perSecondAndMinute(perSecond: number, perMinute: number): RateLimitWindow[] {
  return [
    { limit: perMinute, windowMs: 60_000, description: `${perMinute} per 1 minute` },
    { limit: perSecond, windowMs: 1_000, description: `${perSecond} per 1 second` },
  ];
}
