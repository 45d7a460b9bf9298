/**
 * Client-side limiter for one connection: every request to that remote (pull, push, poll, check)
 * takes a slot. All windows must have room. Windows slide (no more than `limit` in ANY interval of
 * `windowMs`), which also keeps us inside the server's fixed windows; `marginMs` absorbs network
 * jitter that could otherwise squeeze two requests into one server window.
 * Waiters are served by priority (pushes before polls), then in arrival order.
 */
export interface LimitWindow {
  limit: number;
  windowMs: number;
}

interface Waiter {
  priority: number;
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface RateLimiterOptions {
  marginMs?: number;
  now?: () => number;
  /** Sends made before this limiter existed (an earlier launch), oldest first: they still count. */
  history?: readonly number[];
  /** Called with the time of every slot granted (to keep the history across launches). */
  onSend?: (at: number) => void;
}

/** The limiter was stopped while a request waited for a slot: that request was never sent. */
export class LimiterCancelled extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimiterCancelled';
  }
}

export class RateLimiter {
  private readonly log: number[] = [];
  private readonly waiters: Waiter[] = [];
  private pausedUntil = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly marginMs: number;
  private readonly now: () => number;
  private readonly longest: number;
  private readonly onSend: ((at: number) => void) | undefined;
  private closedReason: string | null = null;

  constructor(
    private readonly windows: readonly LimitWindow[],
    options: RateLimiterOptions = {},
  ) {
    this.marginMs = options.marginMs ?? 50;
    this.now = options.now ?? Date.now;
    this.longest = Math.max(0, ...windows.map((w) => w.windowMs)) + this.marginMs;
    this.onSend = options.onSend;
    this.log.push(...[...(options.history ?? [])].sort((a, b) => a - b));
  }

  /** Resolves when a request may be sent; the slot is taken at that moment. */
  acquire(priority = 0): Promise<void> {
    if (this.closedReason !== null) return Promise.reject(new LimiterCancelled(this.closedReason));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ priority, seq: this.seq++, resolve, reject });
      this.waiters.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      this.pump();
    });
  }

  /** Stops all sending for `ms` (after a 429): the remote's window must pass before anything else goes. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.reschedule();
  }

  get pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** How long `n` more requests take from now at this limit (the ETA of a queue of n). */
  estimateMs(n: number): number {
    const log = this.log.slice();
    let t = Math.max(this.now(), this.pausedUntil);
    const start = this.now();
    for (let i = 0; i < n; i++) {
      t = Math.max(t, this.earliestAt(log, t));
      log.push(t);
    }
    return n === 0 ? 0 : t - start;
  }

  /** Rejects everyone waiting, and every later request (the connection is being stopped). */
  cancelAll(reason: string): void {
    this.closedReason = reason;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0)) w.reject(new LimiterCancelled(reason));
  }

  private earliestAt(log: readonly number[], t: number): number {
    let at = t;
    for (const w of this.windows) {
      const span = w.windowMs + this.marginMs;
      // The (limit)th most recent send must be older than the window for one more to fit.
      if (log.length >= w.limit) {
        const kth = log[log.length - w.limit]!;
        at = Math.max(at, kth + span);
      }
    }
    return at;
  }

  private pump(): void {
    if (this.timer) return;
    while (this.waiters.length > 0) {
      const t = this.now();
      this.trim(t);
      const at = Math.max(this.earliestAt(this.log, t), this.pausedUntil);
      if (at > t) {
        // Node fires a timer longer than 2^31-1 ms at once: wait in steps instead of spinning.
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.min(at - t, 2 ** 31 - 1));
        return;
      }
      this.log.push(t);
      this.onSend?.(t);
      this.waiters.shift()!.resolve();
    }
  }

  private reschedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  private trim(t: number): void {
    while (this.log.length > 0 && this.log[0]! <= t - this.longest) this.log.shift();
  }
}

/** The fastest `n` requests can legally go at these limits from a standing start: the bound a drain is measured against. */
export function rateLimitBoundMs(windows: readonly LimitWindow[], n: number): number {
  const log: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (const w of windows) {
      if (log.length >= w.limit) t = Math.max(t, log[log.length - w.limit]! + w.windowMs);
    }
    log.push(t);
  }
  return t;
}
