import type { CheckResult, ConnectionStatus } from '../../../src-shared/contract/sync';
import type { SystemId } from '../../../src-shared/domain/record-kinds';
import type { Connector } from '../../connectors/connector';
import { connectorFor } from '../../connectors/registry';
import type { ConnectionStore } from '../connections/connection-store';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Mirror } from '../mirror/mirror';
import type { OutboxQueries } from '../outbox/outbox-queries';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff';
import { ConnectionSync } from './connection-sync';
import type { LimitWindow } from './rate-limiter';
import { SendLog } from './send-log';
import { SyncReads } from './sync-reads';

export interface SyncEngineOptions {
  db: Kysely<Database>;
  mirror: Mirror;
  outbox: OutboxQueries;
  connections: ConnectionStore;
  retryBackoff?: BackoffPolicy;
  connectionBackoff?: BackoffPolicy;
  requestTimeoutMs?: number;
  /** Overrides a system's published limit (benchmarks scale the sandbox's limit up and ours with it). */
  rateLimitFor?: (system: SystemId) => readonly LimitWindow[] | undefined;
  pullIntervalMs?: number;
  /** Overrides how often submitted proposals are polled (tests). */
  proposalPollMs?: number;
  /** How long a quit lets requests already out finish (default 3 s). */
  stopGraceMs?: number;
  onStatus(statuses: ConnectionStatus[]): void;
}

/** Two base URLs of one server (a trailing slash or letter case in the host makes no difference). */
function sameServer(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const url = new URL(u);
      return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return u.trim();
    }
  };
  return norm(a) === norm(b);
}

/** How many requests `ops` queued ops take to send, for the ETA. */
function requestsFor(connector: Connector, ops: number): number {
  const batch = connector.batch;
  return batch ? Math.ceil(ops / batch.maxOps) * (batch.requestsPerBatch ?? 1) : ops;
}

/** One ConnectionSync per connection, plus the status every window shows. */
export class SyncEngine {
  private readonly syncs = new Map<string, ConnectionSync>();
  private statusTimer: NodeJS.Timeout | undefined;
  private started = false;
  private readonly reads: SyncReads;

  constructor(private readonly o: SyncEngineOptions) {
    this.reads = new SyncReads(o.db);
  }

  async start(): Promise<void> {
    this.started = true;
    await this.o.mirror.recoverInFlight();
    for (const c of await this.o.connections.list()) await this.ensure(c.id, c.system);
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.statusTimer);
    await Promise.all([...this.syncs.values()].map((s) => s.stop()));
    this.syncs.clear();
  }

  /** A connection was added or its settings changed: (re)start its loop. */
  async connectionChanged(id: string, system: SystemId): Promise<void> {
    const s = this.syncs.get(id);
    if (s) s.kick(true);
    else await this.ensure(id, system);
    this.statusChanged();
  }

  async connectionRemoved(id: string): Promise<void> {
    const s = this.syncs.get(id);
    this.syncs.delete(id);
    await s?.stop();
    this.statusChanged();
  }

  kick(connectionId?: string, pull = false): boolean {
    const targets = connectionId ? [this.syncs.get(connectionId)] : [...this.syncs.values()];
    for (const s of targets) s?.kick(pull);
    return targets.some(Boolean);
  }

  async check(connectionId: string): Promise<CheckResult> {
    const s = this.syncs.get(connectionId);
    if (!s) return { ok: false, outcome: 'not_checked', message: 'That connection is not running.' };
    return s.check();
  }

  /** Reviewer connections fetch their queue now (all of them, or those on the server a proposal just went to). */
  async refreshQueues(like?: { system: SystemId; baseUrl: string }): Promise<number> {
    let started = 0;
    for (const c of await this.o.connections.list()) {
      if (c.paused || c.settings.reviewer !== 'yes') continue;
      if (like && (c.system !== like.system || !sameServer(c.baseUrl, like.baseUrl))) continue;
      if (this.syncs.get(c.id)?.refreshQueue()) started++;
    }
    return started;
  }

  /** The user confirmed a removal the last pull held back. */
  confirmRemoval(connectionId: string): boolean {
    const ok = this.syncs.get(connectionId)?.confirmRemoval() ?? false;
    this.statusChanged();
    return ok;
  }

  /** Requests sent per connection since start (benchmarks). */
  requestsSent(connectionId: string): number {
    return this.syncs.get(connectionId)?.requestsSent ?? 0;
  }

  sync(connectionId: string): ConnectionSync | undefined {
    return this.syncs.get(connectionId);
  }

  async status(): Promise<ConnectionStatus[]> {
    const out: ConnectionStatus[] = [];
    for (const c of await this.o.connections.list()) {
      const s = this.syncs.get(c.id);
      const counts = await this.o.outbox.counts(c.id);
      const conflicts = await this.o.db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('connection_id', '=', c.id)
        .where('status', '=', 'conflict')
        .executeTakeFirstOrThrow();
      out.push({
        connectionId: c.id,
        system: c.system,
        name: c.name,
        state: c.paused ? 'paused' : s ? s.displayState() : 'idle',
        online: s?.online ?? false,
        pending: counts.pending,
        rejected: counts.rejected,
        conflicts: Number(conflicts.n),
        done: s?.done ?? 0,
        etaMs: s && counts.ready > 0 ? s.limiter.estimateMs(requestsFor(connectorFor(c.system), counts.ready)) : null,
        lastPullAt: s?.lastPullAt ?? null,
        message: s?.message ?? null,
        removalToConfirm: s?.removalToConfirm ?? null,
        notices: s ? [...s.notices] : [],
        account: s?.account ?? null,
        lastCheck: s?.lastCheck ?? null,
      });
    }
    return out;
  }

  /** Status is pushed at most every 100 ms, however busy the queue. */
  statusChanged(): void {
    if (this.statusTimer || !this.started) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.status().then(this.o.onStatus, () => undefined);
    }, 100);
  }

  private async ensure(id: string, system: SystemId): Promise<void> {
    if (this.syncs.has(id) || !this.started) return;
    const connector = connectorFor(system);
    const rateLimit = this.o.rateLimitFor?.(system) ?? connector.rateLimit;
    const sendLog = new SendLog(this.o.db, id, Math.max(0, ...rateLimit.map((w) => w.windowMs)) + 1_000);
    const recentSends = await sendLog.recent();
    if (this.syncs.has(id) || !this.started) return;
    const sync = new ConnectionSync({
      mirror: this.o.mirror,
      outbox: this.o.outbox,
      reads: this.reads,
      connections: this.o.connections,
      sendLog,
      recentSends,
      connectionId: id,
      system,
      connector,
      rateLimit,
      retryBackoff: this.o.retryBackoff ?? DEFAULT_BACKOFF,
      connectionBackoff: this.o.connectionBackoff ?? { baseMs: 1_000, maxMs: 30_000 },
      pullIntervalMs: this.o.pullIntervalMs ?? connector.pullIntervalMs,
      proposalPollMs: this.o.proposalPollMs ?? connector.proposalPollMs ?? 30_000,
      requestTimeoutMs: this.o.requestTimeoutMs ?? 20_000,
      stopGraceMs: this.o.stopGraceMs ?? 3_000,
      onChange: () => this.statusChanged(),
      // A reviewer connection in this app sees a proposal to its server at once, not at its next pull.
      onProposed: () => {
        void this.o.connections
          .get(id)
          .then((c) => this.refreshQueues({ system: c.system, baseUrl: c.baseUrl }))
          .catch(() => undefined);
      },
    });
    this.syncs.set(id, sync);
    sync.start();
  }
}
