/**
 * Client-side limiter for one connection: every request to that remote (pull, push, poll, check)
 * takes a slot. All windows must have room. Windows slide (no more than `limit` in ANY interval of
 * `windowMs`), which also keeps us inside the server's fixed windows, as long as each slot is
 * timed no earlier than the server counted its request.
 *
 * So each slot carries a stamp, the latest moment the server can have counted its request:
 *  - granted: now + `marginMs`, the one assumption (the request leaves at once and arrives
 *    within the margin); it stands only for a slot whose request never reports back;
 *  - `sent()`: unknown until the request is answered; the slot counts as recent meanwhile;
 *  - `answered()`: the moment the response arrived. The server counted the request before it
 *    answered, so this is an upper bound with no assumption about latency, jitter or stalls on
 *    either side (a request that waited in a starved event loop or a server's queue is timed by
 *    when it was really answered). On a fast remote it is also sooner than grant + margin: the
 *    next window opens `windowMs` after the answer;
 *  - `failed()` (timeout, reset, no answer): now.
 * A request in flight has at most one stamp pending, so this costs nothing when requests go one
 * at a time (the engine's pushes); concurrent ones wait for answers when the window is full.
 * Waiters are served by priority (pushes before polls), then in arrival order.
 */
export interface LimitWindow {
  limit: number;
  windowMs: number;
}

/** A granted slot; the request that uses it reports when it leaves and when it is answered. */
export interface LimiterSlot {
  sent(): void;
  answered(): void;
  failed(): void;
}

interface Waiter {
  priority: number;
  seq: number;
  resolve: (slot: LimiterSlot) => void;
  reject: (e: Error) => void;
}

interface Stamp {
  /** The latest time the server can have counted this request; Infinity while it is in flight. */
  at: number;
}

export interface RateLimiterOptions {
  marginMs?: number;
  now?: () => number;
  /** Sends made before this limiter existed (an earlier launch), as stamps: they still count. */
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
  /** Slots of the last `longest` ms, ascending by stamp (in-flight ones last). */
  private readonly log: Stamp[] = [];
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
    this.longest = Math.max(0, ...windows.map((w) => w.windowMs));
    this.onSend = options.onSend;
    for (const at of [...(options.history ?? [])].sort((a, b) => a - b)) this.log.push({ at });
  }

  /** Resolves when a request may be sent; the slot is taken at that moment. */
  acquire(priority = 0): Promise<LimiterSlot> {
    if (this.closedReason !== null) return Promise.reject(new LimiterCancelled(this.closedReason));
    return new Promise<LimiterSlot>((resolve, reject) => {
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
    // Requests in flight count as answered now.
    const log = this.log.map((s) => (s.at === Infinity ? this.now() : s.at)).sort((a, b) => a - b);
    let t = Math.max(this.now(), this.pausedUntil);
    const start = this.now();
    for (let i = 0; i < n; i++) {
      t = Math.max(t, this.earliestAt(log, t));
      log.push(t + this.marginMs);
    }
    return n === 0 ? 0 : t - start;
  }

  /**
   * How long until a slot could be granted: 0 now, Infinity while the windows wait on answers to
   * requests still out. Lets a sender do its bookkeeping while no slot can open anyway.
   */
  msUntilSlot(): number {
    const t = this.now();
    this.trim(t);
    return Math.max(0, Math.max(this.earliestAt(this.log, t), this.pausedUntil) - t);
  }

  /**
   * How many slots the windows will hold free at time `t` (ms, as `now`) if nothing more is
   * granted: requests still out count as taken. Lets a sender prepare exactly the ops that will
   * go in the next window.
   */
  slotsFreeAt(t: number): number {
    if (this.closedReason !== null || t < this.pausedUntil) return 0;
    let free = Infinity;
    for (const w of this.windows) {
      let inWindow = 0;
      for (const s of this.log) if (s.at > t - w.windowMs) inWindow++;
      free = Math.min(free, Math.max(0, w.limit - inWindow));
    }
    return free;
  }

  /** Rejects everyone waiting, and every later request (the connection is being stopped). */
  cancelAll(reason: string): void {
    this.closedReason = reason;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0)) w.reject(new LimiterCancelled(reason));
  }

  private earliestAt(log: readonly (Stamp | number)[], t: number): number {
    let at = t;
    for (const w of this.windows) {
      // The (limit)th latest stamp must be a whole window old for one more to fit.
      if (log.length >= w.limit) {
        const kth = log[log.length - w.limit]!;
        at = Math.max(at, (typeof kth === 'number' ? kth : kth.at) + w.windowMs);
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
      // Waiting on an answer to a request in flight: its answered() or failed() pumps again.
      if (at === Infinity) return;
      if (at > t) {
        // Node fires a timer longer than 2^31-1 ms at once: wait in steps instead of spinning.
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.min(at - t, 2 ** 31 - 1));
        return;
      }
      this.waiters.shift()!.resolve(this.grant(t));
    }
  }

  /** A slot now if the limit has room and no one waits; otherwise null (nothing is taken). */
  tryAcquire(): LimiterSlot | null {
    if (this.closedReason !== null || this.waiters.length > 0 || this.timer) return null;
    const t = this.now();
    this.trim(t);
    if (Math.max(this.earliestAt(this.log, t), this.pausedUntil) > t) return null;
    return this.grant(t);
  }

  private grant(t: number): LimiterSlot {
    const stamp: Stamp = { at: t + this.marginMs };
    this.insert(stamp);
    // Kept across launches as granted (a relaunch takes far longer than any request's way there).
    this.onSend?.(stamp.at);
    return this.slot(stamp);
  }

  private slot(stamp: Stamp): LimiterSlot {
    return {
      sent: () => this.restamp(stamp, Infinity),
      answered: () => this.restamp(stamp, this.now()),
      failed: () => this.restamp(stamp, this.now()),
    };
  }

  /** Moves a slot's stamp (it may have been trimmed meanwhile) and keeps the log in order. */
  private restamp(stamp: Stamp, at: number): void {
    const i = this.log.indexOf(stamp);
    if (i >= 0) this.log.splice(i, 1);
    const earlier = at < stamp.at;
    stamp.at = at;
    if (at > this.now() - this.longest) this.insert(stamp);
    // An earlier stamp may let a waiter go sooner.
    if (earlier) this.reschedule();
  }

  private insert(stamp: Stamp): void {
    let i = this.log.length;
    while (i > 0 && this.log[i - 1]!.at > stamp.at) i--;
    this.log.splice(i, 0, stamp);
  }

  private reschedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  private trim(t: number): void {
    while (this.log.length > 0 && this.log[0]!.at <= t - this.longest) this.log.shift();
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
