import { sql } from 'kysely';
import type { ConnectionStatus } from '../../../src-shared/contract/sync';
import type { RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import type { Connector, ConnectorContext, PushOp, PushResult } from '../../connectors/connector';
import { RemoteHttp } from '../../connectors/http';
import { RemoteAuthFailed, RemoteProtocolError, RemoteRateLimited, RemoteRejected, RemoteUnavailable } from '../../connectors/remote-errors';
import type { ConnectionStore } from '../connections/connection-store';
import { nowIso, parseFields } from '../json';
import type { OutboxRow, OutboxStore } from '../outbox/outbox-store';
import { type Db, rebuildFromOutbox, refreshStatus } from '../records/record-writer';
import { type BackoffPolicy, backoffMs } from './backoff';
import { applyAcknowledged } from './apply-acknowledged';
import { applyApprovals, applyProposalUpdates, pendingProposalIds } from './apply-proposals';
import { applyCategories, applyPickList, applyPullComplete, applyPulledPage } from './apply-pull';
import type { LimitWindow } from './rate-limiter';
import { RateLimiter } from './rate-limiter';

export interface ConnectionSyncOptions {
  db: Db;
  outbox: OutboxStore;
  connections: ConnectionStore;
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
  onChange(): void;
  onRecordsChanged(ids: string[] | null): void;
}

const MIN_SLEEP_MS = 5;

/** Pushes wait ahead of pulls and polls for the limiter. */
const PUSH_PRIORITY = 10;

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

  constructor(private readonly o: ConnectionSyncOptions) {
    this.limiter = new RateLimiter(o.rateLimit);
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

  async stop(): Promise<void> {
    this.stopped = true;
    this.limiter.cancelAll('The connection was stopped.');
    this.wake?.();
    await this.running;
  }

  /** Run a cycle now; `pull` also forces a pull. */
  kick(pull = false): void {
    if (pull) this.forcePull = true;
    this.kicked = true;
    this.wake?.();
  }

  /** One request that proves the URL and key work. */
  async check(): Promise<{ ok: boolean; message: string }> {
    try {
      const message = await this.o.connector.check(await this.context());
      this.online = true;
      if (this.state === 'key_rejected') {
        this.rejectedKey = null;
        this.kick(true);
      }
      return { ok: true, message };
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
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
    const credentials = JSON.stringify([info.apiKey, info.baseUrl, info.settings]);
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

    const polled = await this.pollProposals(ctx);
    if (polled === 'offline') return this.wentOffline();
    if (polled === 'rate_limited') return Date.now() + this.limiter.pausedForMs;
    if (polled === 'key_rejected') return this.keyRejected(credentials);

    const pullDue = this.forcePull || !this.lastPullAt || Date.now() - Date.parse(this.lastPullAt) >= this.o.pullIntervalMs;
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
    if (this.state === 'idle') this.message = null;
    const due = await this.o.outbox.nextDueAt(this.o.connectionId);
    const nextPull = Date.parse(this.lastPullAt ?? nowIso()) + this.o.pullIntervalMs;
    const nextPoll = this.o.connector.pollProposals && (await pendingProposalIds(this.o.db, this.o.connectionId)).length > 0 ? this.nextPollAt : Infinity;
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
    const max = this.o.connector.batch?.maxOps ?? 1;
    for (;;) {
      if (this.stopped) return 'ok';
      const ready = await this.o.outbox.nextReady(this.o.connectionId, Date.now(), max);
      if (ready.length === 0) return 'ok';
      this.state = 'pushing';
      this.o.onChange();
      const outcome = await this.pushGroup(ctx, ready);
      if (outcome === 'offline' || outcome === 'rate_limited' || outcome === 'key_rejected') return outcome;
    }
  }

  /** Sends one op, or several in one request where the connector batches. */
  private async pushGroup(ctx: ConnectorContext, ready: OutboxRow[]): Promise<PushOutcome> {
    // Wait for the limit while the ops are still "queued": edits made meanwhile can merge into them.
    const slot = await this.limiter.acquire(PUSH_PRIORITY);
    const ops: OutboxRow[] = [];
    for (const r of ready) {
      const op = await this.o.outbox.get(r.id);
      if (op && op.state === 'queued') ops.push(op);
    }
    if (ops.length === 0) return 'ok';
    const pushOps = await Promise.all(ops.map((op) => this.toPushOp(op)));
    ctx.http.useHeldSlot(slot);
    const writesBefore = ctx.http.writesSent;
    try {
      const batch = this.o.connector.batch;
      if (batch && ops.length > 1) {
        for (const op of ops) await this.o.outbox.markInFlight(op.id);
        const results = await batch.push(ctx, pushOps);
        for (const [i, op] of ops.entries()) {
          const result = results[i];
          if (!result) await this.failed([op], new RemoteProtocolError('The server answered for fewer items than were sent.'));
          else if (result.type === 'rejected') await this.failed([op], new RemoteRejected(result.status, result.messages, result.fieldErrors));
          else await this.acknowledged(op, result);
        }
        return 'ok';
      }
      const [op] = ops;
      const pushOp = pushOps[0]!;
      // An op that may have reached the server must not take effect twice: look for its effect first
      // (a create's record; for remotes where a resend is not harmless, e.g. a second proposal, any op).
      if (pushOp.attempts > 0) {
        const connector = this.o.connector;
        const found = pushOp.type === 'create' ? await connector.findCreated(ctx, pushOp) : ((await connector.findApplied?.(ctx, pushOp)) ?? null);
        if (found) {
          await this.acknowledged(op!, found);
          return 'ok';
        }
      }
      await this.o.outbox.markInFlight(op!.id);
      const result = batch ? (await batch.push(ctx, [pushOp]))[0] : await this.o.connector.push(ctx, pushOp);
      if (!result) return this.failed([op!], new RemoteProtocolError('The server answered for no item.'));
      if (result.type === 'rejected') return this.failed([op!], new RemoteRejected(result.status, result.messages, result.fieldErrors));
      await this.acknowledged(op!, result);
      return 'ok';
    } catch (error) {
      // Failing before any write left (e.g. on a guarding read) means nothing can have been applied.
      return this.failed(ops, error, ctx.http.writesSent === writesBefore);
    } finally {
      ctx.http.releaseHeldSlot();
    }
  }

  private async toPushOp(op: OutboxRow): Promise<PushOp> {
    const rec = await this.o.db.selectFrom('records').select(['fields', 'remote_id']).where('id', '=', op.record_id).executeTakeFirst();
    return {
      type: op.type as PushOp['type'],
      kind: op.kind as RecordKind,
      recordId: op.record_id,
      remoteId: op.remote_id ?? rec?.remote_id ?? null,
      payload: parseFields(op.payload),
      fields: parseFields(rec?.fields),
      attempts: op.attempts,
    };
  }

  private async acknowledged(op: OutboxRow, result: PushResult): Promise<void> {
    await applyAcknowledged(this.o.db, this.o.system, op.id, result);
    // A decision or a new proposal changes what the remote holds: refresh soon. A reviewer may
    // have decided on a proposal of their own, so poll at once too.
    if (result.type === 'decided') {
      this.forcePull = true;
      this.nextPollAt = 0;
    }
    if (result.type === 'proposed' && this.nextPollAt <= Date.now()) this.nextPollAt = Date.now() + this.o.proposalPollMs;
    this.done++;
    this.online = true;
    this.rateLimitStreak = 0;
    // The remote answered: whatever went wrong before (offline, a 5xx) is over.
    if (this.limiter.pausedForMs === 0) this.message = null;
    this.o.onRecordsChanged([op.record_id]);
  }

  /** Classifies a failure once for the whole group of ops it hit. */
  private async failed(ops: OutboxRow[], error: unknown, noWriteSent = false): Promise<PushOutcome> {
    const now = Date.now();
    const ids = ops.map((o) => o.record_id);
    if (error instanceof RemoteRejected) {
      this.online = true;
      for (const op of ops) {
        await this.o.outbox.reject(op.id, error.message, error.fieldErrors);
        if (!(await this.o.outbox.absorbIntoRejected(op.id))) {
          // Created offline, refused, and deleted meanwhile: nothing of it remains.
          await rebuildFromOutbox(this.o.db, this.o.system, op.record_id);
          continue;
        }
        await refreshStatus(this.o.db, op.record_id);
      }
      this.o.onRecordsChanged(ids);
      return 'rejected';
    }
    if (error instanceof RemoteRateLimited) {
      this.online = true;
      for (const op of ops) await this.o.outbox.requeue(op.id, 0, error.message, true);
      this.rateLimited(error);
      return 'rate_limited';
    }
    if (error instanceof RemoteAuthFailed) {
      this.online = true;
      this.authMessage = error.message;
      for (const op of ops) await this.o.outbox.requeue(op.id, 0, error.message, true);
      return 'key_rejected';
    }
    if (error instanceof RemoteUnavailable || error instanceof RemoteProtocolError) {
      // A 2xx we cannot read may have been applied too, so both retry (a create looks itself up first).
      const maybeCommitted = !noWriteSent && (error instanceof RemoteProtocolError || error.maybeCommitted);
      for (const op of ops) {
        await this.o.outbox.requeue(op.id, now + backoffMs(op.attempts + 1, this.o.retryBackoff), error.message, !maybeCommitted);
      }
      this.message = error.message;
      if (error instanceof RemoteUnavailable && error.networkDown) return 'offline';
      this.online = true;
      return 'retry_later';
    }
    // Something about the op itself is wrong (e.g. it has no remote id): park it with the reason.
    for (const op of ops) {
      await this.o.outbox.requeue(op.id, 0, null, true);
      await this.o.outbox.reject(op.id, describe(error), {});
      await refreshStatus(this.o.db, op.record_id);
    }
    this.o.onRecordsChanged(ids);
    return 'rejected';
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
    const ids = await pendingProposalIds(this.o.db, this.o.connectionId);
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
        const changed = await applyProposalUpdates(this.o.db, this.o.connectionId, this.o.system, updates);
        if (changed.length > 0) {
          this.o.onRecordsChanged(changed);
          // Accepted proposals changed live records: bring them in.
          if (updates.some((u) => u.status === 'Accepted')) this.forcePull = true;
        }
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

  private async pull(ctx: ConnectorContext): Promise<'ok' | 'offline' | 'rate_limited' | 'key_rejected' | 'error'> {
    this.state = 'pulling';
    this.o.onChange();
    const generation = await this.nextGeneration();
    const { db, connectionId, system } = this.o;
    try {
      await this.o.connector.pull(ctx, {
        categories: async (categories) => applyCategories(db, connectionId, categories),
        pickList: async (source, items) => applyPickList(db, connectionId, source, items),
        approvals: async (approvals) => applyApprovals(db, connectionId, approvals),
        page: async (page) => {
          const ids = await applyPulledPage(db, connectionId, system, generation, page.records);
          if (ids.length > 0) this.o.onRecordsChanged(ids.length > 200 ? null : ids);
          // Let IPC and timers run between pages.
          await new Promise((r) => setImmediate(r));
        },
        complete: async (kind) => {
          const ids = await applyPullComplete(db, connectionId, kind, generation);
          if (ids.length > 0) this.o.onRecordsChanged(null);
        },
      });
      this.forcePull = false;
      this.online = true;
      this.lastPullAt = nowIso();
      await db
        .insertInto('sync_cursors')
        .values({ connection_id: connectionId, collection: '*', cursor: null, generation, last_pull_at: this.lastPullAt })
        .onConflict((oc) => oc.columns(['connection_id', 'collection']).doUpdateSet({ generation, last_pull_at: this.lastPullAt }))
        .execute();
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
    if (this.generation === 0) {
      const row = await this.o.db
        .selectFrom('sync_cursors')
        .select(['generation', 'last_pull_at'])
        .where('connection_id', '=', this.o.connectionId)
        .where('collection', '=', '*')
        .executeTakeFirst();
      this.generation = row?.generation ?? 0;
    }
    return ++this.generation;
  }

  private async context(): Promise<ConnectorContext> {
    const info = await this.o.connections.info(this.o.connectionId);
    return {
      connection: info,
      http: new RemoteHttp({
        baseUrl: info.baseUrl,
        headers: this.o.connector.authHeaders(info),
        limiter: this.limiter,
        timeoutMs: this.o.requestTimeoutMs,
        onRequest: () => this.requestsSent++,
      }),
      isKnownApprovalId: async (approvalId) =>
        Boolean(
          await this.o.db
            .selectFrom('records')
            .select('id')
            .where('connection_id', '=', this.o.connectionId)
            .where('proposal', 'is not', null)
            .where(sql<boolean>`json_extract(proposal, '$.approvalId') = ${approvalId}`)
            .executeTakeFirst(),
        ),
      isKnownRemoteId: async (kind, remoteId) =>
        Boolean(
          await this.o.db
            .selectFrom('id_map')
            .select('local_id')
            .where('connection_id', '=', this.o.connectionId)
            .where('kind', '=', kind)
            .where('remote_id', '=', remoteId)
            .executeTakeFirst(),
        ),
    };
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
