import type { CheckResult, ConnectionStatus } from '../../../src-shared/contract/sync';
import type { RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import type { Connector, ConnectorContext, PushOp, PushResult, RemoteAccount } from '../../connectors/connector';
import { RemoteHttp } from '../../connectors/http';
import { RemoteAuthFailed, RemoteProtocolError, RemoteRateLimited, RemoteRejected, RemoteUnavailable } from '../../connectors/remote-errors';
import type { ConnectionStore } from '../connections/connection-store';
import { nowIso } from '../json';
import type { Mirror } from '../mirror/mirror';
import type { OutboxQueries, OutboxRow } from '../outbox/outbox-queries';
import type { SentSnapshot } from '../outbox/sent-snapshot';
import { type BackoffPolicy, backoffMs } from './backoff';
import { failsOnThisOp, MAX_SERVER_FAILURES } from './failing-op';
import type { LimitWindow } from './rate-limiter';
import { LimiterCancelled, type LimiterSlot, RateLimiter } from './rate-limiter';
import type { SendLog } from './send-log';
import type { SyncReads } from './sync-reads';

export interface ConnectionSyncOptions {
  mirror: Mirror;
  outbox: OutboxQueries;
  reads: SyncReads;
  connections: ConnectionStore;
  /** Requests sent in the limit's windows, kept across launches. */
  sendLog: SendLog;
  /** Sends recorded before this launch (newest last), still inside the limit's windows. */
  recentSends: readonly number[];
  connectionId: string;
  system: SystemId;
  connector: Connector;
  rateLimit: readonly LimitWindow[];
  /** Per-op retry of 5xx/timeouts/resets. */
  retryBackoff: BackoffPolicy;
  /** Whole-connection retry while the network is down, and 429 pauses without Retry-After. */
  connectionBackoff: BackoffPolicy;
  pullIntervalMs: number;
  /** How often submitted proposals are polled while some await a decision. */
  proposalPollMs: number;
  requestTimeoutMs: number;
  /** How long a graceful stop lets requests already out finish before abandoning them as "outcome unknown". */
  stopGraceMs: number;
  onChange(): void;
  /** This connection's change went out as a proposal: reviewer connections may want their queue now. */
  onProposed?(): void;
}

const MIN_SLEEP_MS = 5;


/** Pushes wait ahead of pulls and polls for the limiter. */
const PUSH_PRIORITY = 10;
/** A wait for the next slot at least this long is the time for a parallel drain's bookkeeping (see pushParallel). */
const BOOKKEEPING_GAP_MS = 100;
/** Ops a parallel drain makes ready ahead (more than one window of the fastest limit we know, 40/s scaled). */
const LOOKAHEAD_OPS = 64;
/** A parallel drain claims, between windows, the ops whose slots open within this long of the next window's first. */
const CLAIM_AHEAD_MS = 250;

/** Waits until every promise has settled, or `ms` has passed (Infinity: no limit). */
async function settledWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<void> {
  const all = Promise.allSettled(promises);
  if (ms === Infinity) return void (await all);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

type PushOutcome = 'ok' | 'rejected' | 'retry_later' | 'offline' | 'rate_limited' | 'key_rejected';

/**
 * The sync loop of one connection: push the outbox in order, then pull when due; sleep until the
 * next op is due, the pull interval passes, or someone kicks it (a local edit, "Sync now").
 * Everything it sends goes through this connection's limiter.
 */
export class ConnectionSync {
  readonly limiter: RateLimiter;
  state: ConnectionStatus['state'] = 'idle';
  online = true;
  message: string | null = null;
  done = 0;
  lastPullAt: string | null = null;
  requestsSent = 0;
  /** Ops acknowledged since start, never reset (benchmarks; `done` restarts with each queue). */
  acknowledgedOps = 0;
  /** 429 answers received since start (benchmarks; should stay 0 when our limiter matches theirs). */
  rateLimitedAnswers = 0;
  private stopped = false;
  private kicked = false;
  private forcePull = true;
  private wake: (() => void) | undefined;
  private offlineStreak = 0;
  private rateLimitStreak = 0;
  private rejectedKey: string | null = null;
  private authMessage: string | null = null;
  private running: Promise<void> | undefined;
  private generation = 0;
  private nextPollAt = 0;
  /** Records a complete listing lacked but that were kept, awaiting the user's word (most of the connection's). */
  removalToConfirm: number | null = null;
  private massRemovalAllowed = false;
  /** How this remote is being read that the user should know (fallbacks for what it refused), since this launch. */
  readonly notices = new Set<string>();
  /** When the remote last answered anything but a 5xx (it is up, whatever it says to one op). */
  private lastAnsweredAt = 0;
  private readonly serverFailures = new Map<number, { count: number; since: number; ok: number; failed: number }>();
  /** Answers of the remote since start: 5xx and the rest (an op's own 5xx streak is judged against them). */
  private readonly answers = { ok: 0, failed: 0 };
  /** Aborts requests still out when a stop's grace has passed. */
  private readonly abandon = new AbortController();
  /** Whom the key acts as, from the last pull or check with the current credentials. */
  account: RemoteAccount | null = null;
  /** The last check with the current credentials. */
  lastCheck: (CheckResult & { at: string }) | null = null;
  /** The credentials `account` and `lastCheck` were learnt with. */
  private learntWith: string | null = null;
  /** The reviewer's queue is wanted before the next pull (a proposal was just made, or it is being looked at). */
  private queueDue = false;

  constructor(private readonly o: ConnectionSyncOptions) {
    this.limiter = new RateLimiter(o.rateLimit, { history: o.recentSends, onSend: (t) => o.sendLog.record(t) });
  }

  /** While the limiter is paused after a 429, that is what the user should see, whatever the loop is doing. */
  displayState(): ConnectionStatus['state'] {
    const busy = this.state === 'pushing' || this.state === 'pulling' || this.state === 'waiting' || this.state === 'rate_limited';
    if (busy && this.limiter.pausedForMs > 0) return 'rate_limited';
    return this.state === 'rate_limited' ? 'waiting' : this.state;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /**
   * Stops the loop: nothing new is sent, no pull starts. A request already out may finish within
   * the grace period (its outcome is then known); past it, it is abandoned and its op keeps
   * "outcome unknown", to be looked up after the next start. Never marks an op as refused.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.limiter.cancelAll('The connection was stopped.');
    this.wake?.();
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), this.o.stopGraceMs)));
      if ((await Promise.race([this.running.then(() => 'done' as const), graceOver])) === 'late') this.abandon.abort();
      clearTimeout(timer);
      await this.running;
    }
    await this.o.sendLog.flush();
  }

  /** The user confirmed that the records the server's list lacks were really removed: the next pull removes them here. */
  confirmRemoval(): boolean {
    if (this.removalToConfirm === null) return false;
    this.massRemovalAllowed = true;
    this.kick(true);
    return true;
  }

  /** Run a cycle now; `pull` also forces a pull. */
  kick(pull = false): void {
    if (pull) this.forcePull = true;
    this.kicked = true;
    this.wake?.();
  }

  /** One request that proves the URL and key work; remembered (with whom the key acts as) for the connection's card. */
  async check(): Promise<CheckResult> {
    const paused = this.limiter.pausedForMs;
    // A check would wait behind the pause like any request: say so at once instead.
    if (paused > 0) {
      return this.checked({ ok: false, outcome: 'not_checked', message: `The server asked BenchSync to slow down; it sends nothing for ${Math.ceil(paused / 1000)} s more.` });
    }
    try {
      const ctx = await this.context();
      this.learning(credentialsOf(ctx.connection));
      const found = await this.o.connector.check(ctx);
      this.online = true;
      if (found.account) this.account = found.account;
      if (this.state === 'key_rejected') {
        this.rejectedKey = null;
        this.kick(true);
      }
      return this.checked({ ok: true, outcome: 'ok', message: found.message });
    } catch (error) {
      return this.checked({ ok: false, outcome: checkOutcomeOf(error), message: describe(error) });
    }
  }

  /** Fetch the reviewer's queue soon (before the next pull); false when this remote has none. */
  refreshQueue(): boolean {
    if (!this.o.connector.pullApprovals) return false;
    this.queueDue = true;
    this.kick();
    return true;
  }

  private checked(result: CheckResult): CheckResult {
    this.lastCheck = { ...result, at: nowIso() };
    this.o.onChange();
    return result;
  }

  /** What was learnt of other credentials no longer says anything. */
  private learning(credentials: string): void {
    if (this.learntWith === credentials) return;
    this.learntWith = credentials;
    this.account = null;
    this.lastCheck = null;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.kicked = false;
      let wakeAt: number;
      try {
        wakeAt = await this.cycle();
      } catch (error) {
        if (this.stopped) break;
        this.state = 'error';
        this.message = describe(error);
        wakeAt = Date.now() + backoffMs(++this.offlineStreak, this.o.connectionBackoff);
      }
      this.o.onChange();
      if (this.stopped) break;
      if (!this.kicked) await this.sleepUntil(wakeAt);
    }
  }

  private async cycle(): Promise<number> {
    const info = await this.o.connections.info(this.o.connectionId);
    if (info.paused) {
      this.state = 'paused';
      this.message = 'Paused: edits stay queued until you resume.';
      return Infinity;
    }
    // Refused credentials stay refused until the user changes the key, URL or settings.
    const credentials = credentialsOf(info);
    this.learning(credentials);
    if (this.rejectedKey !== null && this.rejectedKey === credentials) {
      this.state = 'key_rejected';
      return Infinity;
    }
    this.rejectedKey = null;
    // Messages describe the state a cycle ends in; a new cycle starts without the last one's.
    if (this.state === 'paused' || this.state === 'key_rejected') this.message = null;
    const ctx = await this.context();

    const outcome = await this.pushAll(ctx);
    if (outcome === 'offline') return this.wentOffline();
    if (outcome === 'rate_limited') return Date.now() + this.limiter.pausedForMs;
    if (outcome === 'key_rejected') return this.keyRejected(credentials);

    if (this.stopped) return Infinity;
    const polled = await this.pollProposals(ctx);
    if (polled === 'offline') return this.wentOffline();
    if (polled === 'rate_limited') return Date.now() + this.limiter.pausedForMs;
    if (polled === 'key_rejected') return this.keyRejected(credentials);

    if (this.stopped) return Infinity;
    const pullDue = this.forcePull || !this.lastPullAt || Date.now() - Date.parse(this.lastPullAt) >= this.o.pullIntervalMs;
    // A pull ends with the queue anyway; otherwise fetch just the queue.
    if (this.queueDue && !pullDue) {
      const queued = await this.pullQueue(ctx);
      if (queued === 'offline') return this.wentOffline();
      if (queued === 'rate_limited') return Date.now() + this.limiter.pausedForMs;
      if (queued === 'key_rejected') return this.keyRejected(credentials);
    }
    // While a create may have reached the remote unanswered, a pull would bring it in as a second
    // record; it waits until the create's retry has looked for it.
    if (pullDue && !(await this.o.outbox.hasUncertainCreate(this.o.connectionId))) {
      const pulled = await this.pull(ctx);
      if (pulled === 'offline') return this.wentOffline();
      if (pulled === 'rate_limited') return Date.now() + this.limiter.pausedForMs;
      if (pulled === 'key_rejected') return this.keyRejected(credentials);
      if (pulled === 'error') return Date.now() + backoffMs(++this.offlineStreak, this.o.connectionBackoff);
    }

    const counts = await this.o.outbox.counts(this.o.connectionId);
    if (counts.pending === 0) this.done = 0;
    this.offlineStreak = 0;
    this.state = counts.ready > 0 ? 'waiting' : 'idle';
    if (this.state === 'idle' && this.removalToConfirm === null) this.message = null;
    const due = await this.o.outbox.nextDueAt(this.o.connectionId);
    const nextPull = Date.parse(this.lastPullAt ?? nowIso()) + this.o.pullIntervalMs;
    const nextPoll = this.o.connector.pollProposals && (await this.o.reads.pendingProposalIds(this.o.connectionId)).length > 0 ? this.nextPollAt : Infinity;
    return Math.min(due ?? Infinity, nextPull, nextPoll);
  }

  private keyRejected(credentials: string): number {
    this.rejectedKey = credentials;
    this.state = 'key_rejected';
    // The connector's own words say what was refused (the key, or e.g. the organisation); say what to do.
    this.message = `${this.authMessage ?? "The server rejected this connection's API key; enter a valid one in its settings."} Your edits stay queued.`;
    return Infinity;
  }

  private wentOffline(): number {
    this.online = false;
    this.state = 'offline';
    const wait = backoffMs(++this.offlineStreak, this.o.connectionBackoff);
    this.message = `Offline: ${sentence(this.message ?? 'the server cannot be reached')} Edits are kept and will be sent when it is back.`;
    return Date.now() + wait;
  }

  private async pushAll(ctx: ConnectorContext): Promise<PushOutcome> {
    const { batch, parallelPushes } = this.o.connector;
    const parallel = batch ? 1 : Math.max(1, parallelPushes ?? 1);
    const max = batch?.maxOps ?? parallel;
    for (;;) {
      if (this.stopped) return 'ok';
      const ready = await this.o.outbox.nextReady(this.o.connectionId, Date.now(), max);
      if (ready.length === 0) return 'ok';
      this.state = 'pushing';
      this.o.onChange();
      if (!batch) {
        const outcome = parallel > 1 && this.isFresh(ready[0]!) ? await this.pushParallel(ctx, parallel) : await this.pushGroup(ctx, [ready[0]!]);
        if (outcome === 'offline' || outcome === 'rate_limited' || outcome === 'key_rejected') return outcome;
        continue;
      }
      for (const group of this.isolateSuspects(ready)) {
        const outcome = await this.pushGroup(ctx, group);
        if (outcome === 'offline' || outcome === 'rate_limited' || outcome === 'key_rejected') return outcome;
      }
    }
  }

  /**
   * Sends one op, or several in one request where the connector batches. Each carries exactly its
   * own snapshot (see `sendSnapshot`); one whose earlier send may have landed is looked up first.
   */
  private async pushGroup(ctx: ConnectorContext, ready: OutboxRow[]): Promise<PushOutcome> {
    const got = await this.slotFor(ready, (op) => op.state === 'queued' || op.state === 'unknown');
    if (!got) return 'ok';
    const { slot, ops } = got;
    const sends = await Promise.all(ops.map(async (op) => ({ op, sent: await this.o.outbox.sendSnapshot(op) })));
    ctx.http.useHeldSlot(slot);
    const writesBefore = ctx.http.writesSent;
    try {
      const toSend: { op: OutboxRow; sent: SentSnapshot; push: PushOp }[] = [];
      for (const { op, sent } of sends) {
        const push = await this.toPushOp(op, sent);
        // An op that may have reached the server must not take effect twice: look for its effect
        // first (a create's record; for remotes where a resend is not harmless, e.g. a second proposal, any op).
        if (op.attempts > 0) {
          const connector = this.o.connector;
          const found = push.type === 'create' ? await connector.findCreated(ctx, push) : ((await connector.findApplied?.(ctx, push)) ?? null);
          if (found) {
            await this.acknowledged(op, found);
            continue;
          }
        }
        toSend.push({ op, sent, push });
      }
      if (toSend.length === 0 || this.stopped) return 'ok';
      const claimed = new Set(await this.o.mirror.claim(toSend));
      const sending = toSend.filter((t) => claimed.has(t.op.id));
      if (sending.length === 0) return 'ok';
      const batch = this.o.connector.batch;
      const results = batch ? await batch.push(ctx, sending.map((t) => t.push)) : [await this.o.connector.push(ctx, sending[0]!.push)];
      let outcome: PushOutcome = 'ok';
      for (const [i, { op }] of sending.entries()) {
        const result = results[i];
        if (!result) outcome = await this.failed([op], new RemoteProtocolError('The server answered for fewer items than were sent.'));
        else if (result.type === 'rejected') outcome = await this.failed([op], new RemoteRejected(result.status, result.messages, result.fieldErrors));
        else await this.acknowledged(op, result);
      }
      return outcome === 'rejected' ? 'rejected' : 'ok';
    } catch (error) {
      // Failing before any write left (e.g. on a guarding read or a lookup) means nothing can have been applied.
      return this.failed(ops, error, ctx.http.writesSent === writesBefore, ctx);
    } finally {
      ctx.http.releaseHeldSlot();
    }
  }

  /**
   * Waits for a limiter slot while the ops are still "queued" (edits made meanwhile can merge into
   * them), then reads them again: an op may have been edited, discarded or sent meanwhile. Null
   * when stopping, or when none of them may go any more.
   */
  private async slotFor(ready: OutboxRow[], mayGo: (op: OutboxRow) => boolean): Promise<{ slot: LimiterSlot; ops: OutboxRow[] } | null> {
    let slot: LimiterSlot;
    try {
      slot = await this.limiter.acquire(PUSH_PRIORITY);
    } catch (error) {
      if (error instanceof LimiterCancelled) return null;
      throw error;
    }
    const ops: OutboxRow[] = [];
    for (const r of ready) {
      const op = await this.o.outbox.get(r.id);
      if (op && mayGo(op)) ops.push(op);
    }
    return ops.length > 0 ? { slot, ops } : null;
  }

  /** Never sent and never failed: nothing to look up first, so it may go alongside others. */
  private isFresh(op: OutboxRow): boolean {
    return op.state === 'queued' && op.attempts === 0 && !this.serverFailures.has(op.id);
  }

  /**
   * Never-sent ops of different records, one request each, kept flowing: each op is made ready to
   * go (its snapshot read, and claimed) before its slot opens, and goes the moment the limit has
   * one (at most `parallel` out at once). Nothing waits for a whole round: the next window's slots
   * open as this window's answers came, so a request sent late delays every window after it. The
   * bookkeeping (acknowledging answers, reading and claiming the next window's ops, each in one
   * transaction) is therefore done while no slot is open. An op claimed but not sent when the drain
   * ends goes back to the queue as it was. After the first failure nothing new goes; the requests
   * out finish, then each failure is classified. The timing and its figures: docs/drain.md.
   */
  private async pushParallel(ctx: ConnectorContext, parallel: number): Promise<PushOutcome> {
    type Lane = { op: OutboxRow; sent: SentSnapshot; push: PushOp; lane: ConnectorContext };
    const out = new Set<Promise<void>>();
    const answered: { op: OutboxRow; result: PushResult }[] = [];
    const errors: { op: OutboxRow; error: unknown; lane: ConnectorContext }[] = [];
    const taken = new Set<number>();
    // Ready to go, in queue order; the first `claimedAhead` of them are claimed already.
    const lanes: Lane[] = [];
    let claimedAhead = 0;
    // Ops read but not claimed (edited meanwhile): still queued, so nextReady returns them again.
    let refused = 0;
    const ackAnswered = async (): Promise<void> => {
      while (answered.length > 0) {
        const batch = answered.splice(0);
        await this.o.mirror.acknowledgeAll(batch.map((a) => ({ opId: a.op.id, result: a.result })));
        for (const a of batch) this.noteAcknowledged(a.op, a.result);
      }
    };
    const send = (l: Lane, slot: LimiterSlot): void => {
      l.lane.http.useHeldSlot(slot);
      const request: Promise<void> = this.o.connector
        .push(l.lane, l.push)
        .then(
          (result) => void answered.push({ op: l.op, result }),
          (error: unknown) => void errors.push({ op: l.op, error, lane: l.lane }),
        )
        .finally(() => {
          l.lane.http.releaseHeldSlot();
          out.delete(request);
        });
      out.add(request);
    };

    // Reads the next never-sent ops until `target` are ready to go; false when there are none.
    const topUp = async (target: number): Promise<boolean> => {
      if (lanes.length >= target) return true;
      const ready = await this.o.outbox.nextReady(this.o.connectionId, Date.now(), target + refused);
      const fresh = ready.filter((op) => !taken.has(op.id) && this.isFresh(op)).slice(0, target - lanes.length);
      const snapshots = await this.o.outbox.sendSnapshots(fresh);
      const remoteIds = await this.o.reads.remoteIdsOf(fresh.filter((op) => op.remote_id === null).map((op) => op.record_id));
      for (const [i, op] of fresh.entries()) {
        taken.add(op.id);
        const sent = snapshots[i]!;
        const push = this.pushOpOf(op, sent, op.remote_id ?? remoteIds.get(op.record_id) ?? null);
        lanes.push({ op, sent, push, lane: { ...ctx, http: this.http(ctx.connection) } });
      }
      return lanes.length > 0;
    };
    // Claims the first `n` lanes (one transaction). An op edited, discarded or held since it was
    // read is not claimed (its snapshot is stale): it leaves the lanes and goes on a later pass.
    const claimUpTo = async (n: number): Promise<void> => {
      const count = Math.min(n, lanes.length);
      if (count <= claimedAhead) return;
      const batch = lanes.slice(claimedAhead, count);
      const claimed = new Set(await this.o.mirror.claim(batch));
      const kept = batch.filter((l) => claimed.has(l.op.id));
      refused += batch.length - kept.length;
      lanes.splice(claimedAhead, batch.length, ...kept);
      claimedAhead += kept.length;
    };
    // The ops whose slots open soon: the next window's, once its first slot opens.
    const claimNextWindow = (firstSlotInMs: number) => claimUpTo(this.limiter.slotsFreeAt(Date.now() + firstSlotInMs + CLAIM_AHEAD_MS));

    try {
      // A first few go before the rest are read: their answers take longer than the reading.
      let readAhead = parallel;
      while (!this.stopped && errors.length === 0) {
        if (out.size >= parallel) {
          await Promise.race(out);
          continue;
        }
        if (lanes.length === 0 && !(await topUp(readAhead))) {
          // Nothing else ready: record every answer (which may let those records' next ops go), then look again.
          await Promise.allSettled(out);
          if (answered.length === 0) break;
          await ackAnswered();
          continue;
        }
        let first = this.limiter.tryAcquire();
        if (!first) {
          // No slot open. Bookkeeping blocks the event loop, and a request sent (or an answer read)
          // late delays every window after it, since the next window opens as this one's answers
          // came: so it is done only while no slot opens for a while (between windows), once the
          // requests out are answered.
          const gap = this.limiter.msUntilSlot();
          if (gap >= BOOKKEEPING_GAP_MS) {
            // The answers still out first (not longer than half the gap: a slow one must not hold the next window).
            await settledWithin(out, gap / 2);
            await ackAnswered();
            await topUp(readAhead);
            await claimNextWindow(this.limiter.msUntilSlot());
          }
          try {
            first = await this.limiter.acquire(PUSH_PRIORITY);
          } catch (error) {
            if (error instanceof LimiterCancelled) break;
            throw error;
          }
        }
        // Every slot open now goes at once (a window just opened, or several answers freed them).
        const slots = [first];
        while (slots.length < Math.min(lanes.length, parallel - out.size)) {
          const slot = this.limiter.tryAcquire();
          if (!slot) break;
          slots.push(slot);
        }
        if (this.stopped) {
          for (const slot of slots) slot.failed();
          break;
        }
        await claimUpTo(slots.length);
        const picked = lanes.splice(0, Math.min(slots.length, claimedAhead));
        claimedAhead -= picked.length;
        for (const [i, slot] of slots.entries()) {
          const l = picked[i];
          if (l) send(l, slot);
          // Its op was refused at the claim: the slot was never used.
          else slot.failed();
        }
        if (readAhead < LOOKAHEAD_OPS) {
          // The rest of the read-ahead, and the first window's claims, while the first answers come.
          readAhead = LOOKAHEAD_OPS;
          await topUp(readAhead);
          await claimNextWindow(0);
        }
      }
    } finally {
      await Promise.allSettled(out);
      await ackAnswered();
      // Claimed for a slot that never came (stopped, or a failure ended the drain): not sent.
      await this.o.mirror.unclaim(lanes.slice(0, claimedAhead).map((l) => l.op));
    }
    const outcomes: PushOutcome[] = [];
    for (const e of errors) outcomes.push(await this.failed([e.op], e.error, e.lane.http.writesSent === 0, e.lane));
    // The gravest outcome decides what the loop does next.
    for (const grave of ['offline', 'key_rejected', 'rate_limited'] as const) if (outcomes.includes(grave)) return grave;
    return outcomes.includes('rejected') ? 'rejected' : 'ok';
  }

  private async toPushOp(op: OutboxRow, sent: SentSnapshot): Promise<PushOp> {
    return this.pushOpOf(op, sent, op.remote_id ?? (await this.o.reads.remoteIdsOf([op.record_id])).get(op.record_id) ?? null);
  }

  private pushOpOf(op: OutboxRow, sent: SentSnapshot, remoteId: string | null): PushOp {
    return { type: op.type as PushOp['type'], kind: op.kind as RecordKind, recordId: op.record_id, remoteId, payload: sent.payload, fields: sent.fields, attempts: op.attempts };
  }

  private async acknowledged(op: OutboxRow, result: PushResult): Promise<void> {
    await this.o.mirror.acknowledge(op.id, result);
    this.noteAcknowledged(op, result);
  }

  /** What an acknowledgement tells the loop about the remote (after the mirror took it). */
  private noteAcknowledged(op: OutboxRow, result: PushResult): void {
    this.serverFailures.delete(op.id);
    // A decision or a new proposal changes what the remote holds: refresh soon. A reviewer may
    // have decided on a proposal of their own, so poll at once too.
    if (result.type === 'decided') {
      this.forcePull = true;
      this.nextPollAt = 0;
    }
    if (result.type === 'proposed' && this.nextPollAt <= Date.now()) this.nextPollAt = Date.now() + this.o.proposalPollMs;
    if (result.type === 'proposed') this.o.onProposed?.();
    this.done++;
    this.acknowledgedOps++;
    this.online = true;
    this.rateLimitStreak = 0;
    // The remote answered: whatever went wrong before (offline, a 5xx) is over.
    if (this.limiter.pausedForMs === 0) this.message = null;
  }

  /** Classifies a failure once for the whole group of ops it hit. */
  private async failed(ops: OutboxRow[], error: unknown, noWriteSent = false, ctx?: ConnectorContext): Promise<PushOutcome> {
    const now = Date.now();
    const ids = ops.map((o) => o.id);
    const { mirror } = this.o;
    if (error instanceof LimiterCancelled) {
      // Stopping: what had not left is still queued; what had may have landed.
      await mirror.requeue(ids, 0, null, !noWriteSent);
      return 'ok';
    }
    if (error instanceof RemoteRejected) {
      this.online = true;
      // Only a refused write says the account may not write there (a refused read is something else).
      for (const op of ops) await mirror.reject(op.id, error.message, error.fieldErrors, error.accessDenied && !noWriteSent);
      return 'rejected';
    }
    if (error instanceof RemoteRateLimited) {
      this.online = true;
      await mirror.requeue(ids, 0, error.message, false);
      this.rateLimited(error);
      return 'rate_limited';
    }
    if (error instanceof RemoteAuthFailed) {
      this.online = true;
      this.authMessage = error.message;
      await mirror.requeue(ids, 0, error.message, false);
      return 'key_rejected';
    }
    if (error instanceof RemoteUnavailable || error instanceof RemoteProtocolError) {
      // A 2xx we cannot read may have been applied too, so both retry (with a lookup first).
      const mayHaveApplied = !noWriteSent && (error instanceof RemoteProtocolError || error.maybeCommitted);
      for (const op of ops) {
        if (ctx && (await this.keepsFailing(ctx, op, error))) {
          await mirror.markFailing(
            op.id,
            `${error.message} The server failed on this change ${MAX_SERVER_FAILURES} times while it answered other requests, so BenchSync stopped retrying it: it may be unable to do this. Retry it, or discard it.`,
          );
          continue;
        }
        await mirror.requeue([op.id], now + backoffMs(op.attempts + 1, this.o.retryBackoff), error.message, mayHaveApplied);
      }
      this.message = error.message;
      if (error instanceof RemoteUnavailable && error.networkDown) return 'offline';
      this.online = true;
      return 'retry_later';
    }
    // Something about the op itself is wrong (e.g. it has no remote id): park it with the reason.
    for (const op of ops) await mirror.reject(op.id, describe(error), {});
    return 'rejected';
  }

  /**
   * A batch the server answered 5xx goes one op at a time until each is through or failing, so an
   * op the server cannot take never holds back other records' ops that shared its request.
   */
  private isolateSuspects(ready: OutboxRow[]): OutboxRow[][] {
    if (ready.length < 2) return [ready];
    const suspect = ready.filter((o) => this.serverFailures.has(o.id));
    if (suspect.length === 0) return [ready];
    const rest = ready.filter((o) => !this.serverFailures.has(o.id));
    return [...suspect.map((o) => [o]), ...(rest.length > 0 ? [rest] : [])];
  }

  /**
   * A 5xx on the same op, again and again, while the remote answers other requests: the server
   * cannot do this one. Counted per op since this launch; a server down for everyone is not this.
   */
  private async keepsFailing(ctx: ConnectorContext, op: OutboxRow, error: RemoteUnavailable | RemoteProtocolError): Promise<boolean> {
    if (!(error instanceof RemoteUnavailable) || error.status === null || error.status < 500) {
      this.serverFailures.delete(op.id);
      return false;
    }
    // Counted from this op's first 5xx (that answer is in `answers.failed` already).
    const streak = this.serverFailures.get(op.id) ?? { count: 0, since: Date.now(), ok: this.answers.ok, failed: this.answers.failed };
    streak.count++;
    this.serverFailures.set(op.id, streak);
    if (streak.count < MAX_SERVER_FAILURES) return false;
    if (this.lastAnsweredAt <= streak.since) {
      // No other answer since the failures began: ask the remote something harmless to tell "down for everyone" from "fails on this".
      try {
        await this.o.connector.check(ctx);
      } catch {
        return false;
      }
      if (this.lastAnsweredAt <= streak.since) return false;
    }
    // A server failing at random fails other requests too (failing-op.ts).
    if (!failsOnThisOp(streak.count, this.answers.ok - streak.ok, this.answers.failed - streak.failed - (streak.count - 1))) return false;
    this.serverFailures.delete(op.id);
    return true;
  }

  private rateLimited(error: RemoteRateLimited): void {
    this.rateLimitedAnswers++;
    this.state = 'rate_limited';
    const pause = error.retryAfterMs ?? backoffMs(++this.rateLimitStreak, this.o.connectionBackoff);
    this.limiter.pauseFor(pause);
    this.message = `${sentence(error.message)} Waiting ${Math.ceil(pause / 1000)} s before sending again.`;
    this.o.onChange();
  }

  /**
   * Asks what became of submitted proposals, when due. Runs after the pushes of a cycle, in
   * batches of the connector's size; an edit that became ready meanwhile is sent before the next
   * batch (and its requests go ahead of the poll's at the limiter), so polling never starves the queue.
   */
  private async pollProposals(ctx: ConnectorContext): Promise<'ok' | 'offline' | 'rate_limited' | 'key_rejected'> {
    const poll = this.o.connector.pollProposals;
    if (!poll || Date.now() < this.nextPollAt) return 'ok';
    const ids = await this.o.reads.pendingProposalIds(this.o.connectionId);
    if (ids.length === 0) return 'ok';
    this.nextPollAt = Date.now() + this.o.proposalPollMs;
    const size = Math.max(1, this.o.connector.proposalPollBatch ?? ids.length);
    try {
      for (let i = 0; i < ids.length && !this.stopped; i += size) {
        if (i > 0) {
          const pushed = await this.pushAll(ctx);
          if (pushed === 'offline' || pushed === 'rate_limited' || pushed === 'key_rejected') return pushed;
        }
        const updates = await poll.call(this.o.connector, ctx, ids.slice(i, i + size));
        await this.o.mirror.applyProposalUpdates(this.o.connectionId, updates);
        // Accepted proposals changed live records: bring them in.
        if (updates.some((u) => u.status === 'Accepted')) this.forcePull = true;
      }
      return 'ok';
    } catch (error) {
      this.message = describe(error);
      if (error instanceof RemoteRateLimited) {
        this.rateLimited(error);
        return 'rate_limited';
      }
      if (error instanceof RemoteUnavailable && error.networkDown) return 'offline';
      return 'ok';
    }
  }

  /** The reviewer's queue alone, between pulls. */
  private async pullQueue(ctx: ConnectorContext): Promise<'ok' | 'offline' | 'rate_limited' | 'key_rejected'> {
    const pullApprovals = this.o.connector.pullApprovals;
    this.queueDue = false;
    if (!pullApprovals) return 'ok';
    try {
      await this.o.mirror.applyApprovals(this.o.connectionId, await pullApprovals.call(this.o.connector, ctx));
      return 'ok';
    } catch (error) {
      this.message = describe(error);
      if (error instanceof RemoteRateLimited) {
        this.rateLimited(error);
        return 'rate_limited';
      }
      if (error instanceof RemoteAuthFailed) {
        this.authMessage = error.message;
        return 'key_rejected';
      }
      if (error instanceof RemoteUnavailable && error.networkDown) return 'offline';
      // Anything else waits for the next pull, which reads the queue again.
      return 'ok';
    }
  }

  private async pull(ctx: ConnectorContext): Promise<'ok' | 'offline' | 'rate_limited' | 'key_rejected' | 'error'> {
    this.state = 'pulling';
    this.o.onChange();
    const generation = await this.nextGeneration();
    const { mirror, connectionId } = this.o;
    let held = null as { kind: RecordKind; missing: number; of: number } | null;
    try {
      await this.o.connector.pull(ctx, {
        categories: (categories) => mirror.applyPickList(connectionId, 'categories', categories),
        pickList: (source, items) => mirror.applyPickList(connectionId, source, items),
        approvals: (approvals) => mirror.applyApprovals(connectionId, approvals),
        account: (account) => {
          this.account = account;
        },
        page: async (page) => {
          await mirror.applyPulledPage(connectionId, generation, page.records);
          // Let IPC and timers run between pages.
          await new Promise((r) => setImmediate(r));
        },
        complete: async (kind) => {
          const { heldBack } = await mirror.applyPullComplete(connectionId, kind, generation, this.massRemovalAllowed);
          if (heldBack) held = { kind, ...heldBack };
        },
      });
      this.massRemovalAllowed = false;
      this.removalToConfirm = held ? held.missing : null;
      if (held) {
        this.message = `The server's list lacks ${held.missing} of the ${held.of} ${held.kind} records here, so nothing was removed. If they were really deleted there, confirm to remove them here too; otherwise check the connection's base URL and key.`;
      }
      this.forcePull = false;
      this.queueDue = false;
      this.online = true;
      this.lastPullAt = nowIso();
      await mirror.markPulled(connectionId, generation, this.lastPullAt);
      return 'ok';
    } catch (error) {
      this.message = describe(error);
      if (error instanceof RemoteRateLimited) {
        this.rateLimited(error);
        return 'rate_limited';
      }
      if (error instanceof RemoteAuthFailed) {
        this.authMessage = error.message;
        return 'key_rejected';
      }
      if (error instanceof RemoteUnavailable && error.networkDown) return 'offline';
      this.state = 'error';
      this.message = `Could not refresh from the server: ${describe(error)}`;
      return 'error';
    }
  }

  private async nextGeneration(): Promise<number> {
    if (this.generation === 0) this.generation = await this.o.reads.lastGeneration(this.o.connectionId);
    return ++this.generation;
  }

  private async context(): Promise<ConnectorContext> {
    const info = await this.o.connections.info(this.o.connectionId);
    return {
      connection: info,
      http: this.http(info),
      isKnownApprovalId: (approvalId) => this.o.reads.isKnownApprovalId(this.o.connectionId, approvalId),
      isKnownRemoteId: (kind, remoteId) => this.o.reads.isKnownRemoteId(this.o.connectionId, kind, remoteId),
      notice: (message) => {
        if (this.notices.has(message)) return;
        this.notices.add(message);
        this.o.onChange();
      },
    };
  }

  private http(info: ConnectorContext['connection']): RemoteHttp {
    return new RemoteHttp({
      baseUrl: info.baseUrl,
      headers: this.o.connector.authHeaders(info),
      limiter: this.limiter,
      timeoutMs: this.o.requestTimeoutMs,
      abandon: this.abandon.signal,
      onRequest: () => this.requestsSent++,
      onResponse: (status) => {
        if (status < 500) {
          this.lastAnsweredAt = Date.now();
          this.answers.ok++;
        } else this.answers.failed++;
      },
    });
  }

  private sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      // Never less than a few milliseconds: a wake time in the past must not spin the loop.
      const ms = Math.max(at - Date.now(), MIN_SLEEP_MS);
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.min(ms, 2 ** 31 - 1)) : undefined;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}

/** Ends a server's phrase with one full stop, whatever it ended with. */
function sentence(text: string): string {
  const t = text.trim().replace(/\.+$/, '');
  return `${t}.`;
}

/** The key, URL and settings a connection sends with (what a refusal or an account belongs to). */
function credentialsOf(info: { apiKey: string; baseUrl: string; settings: Record<string, string> }): string {
  return JSON.stringify([info.apiKey, info.baseUrl, info.settings]);
}

/** A failed check: refused credentials, an answer not from this system, or nothing learnt (offline, busy, a server error). */
function checkOutcomeOf(error: unknown): CheckResult['outcome'] {
  if (error instanceof RemoteAuthFailed) return 'refused';
  if (error instanceof RemoteUnavailable || error instanceof RemoteRateLimited || error instanceof LimiterCancelled) return 'not_checked';
  return 'failed';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
