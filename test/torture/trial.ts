import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DispatchReply } from '../../src-main/core/dispatch';
import type { Fields } from '../../src-shared/domain/record-kinds';
import { createRandom, type Random } from '../sandbox/common/random';
import { AppChild, AppGone } from './app-child';
import type { AppProcessConfig } from './app-process';
import type { AppLauncher } from './bundle';
import { type Counts, canonical, closest, differingFields, type IntendedRecord, type UnknownEdit, zeroCounts } from './model';
import { type Decision, ProposalDesk } from './proposals';
import { type RemoteApprovalRow, type Started, TORTURE_SYSTEMS, type TortureSystem, type TortureSystemId } from './systems';

/**
 * One trial: fresh emulators and a fresh data dir, a few records, random edits under a seeded
 * fault schedule, and (by kind) kill -9 or graceful quits of the app with restarts on the same
 * data dir. At the end the faults stop, the app drains, and the remotes are compared with the
 * model of what the user meant.
 *
 *   crash:  1-3 segments of edits, each ending in kill -9 (often with an edit or a push in flight)
 *   quit:   the same, each segment ending in a graceful quit while pushes are in flight
 *   faults: one longer segment under a denser fault schedule, no restarts
 *
 * The seed fixes every choice the driver makes (ops, values, faults, kill points, the emulators'
 * own fault dice); the OS scheduler is not seeded, so a replay follows the same script but may
 * interleave differently with the app's timers.
 *
 * Remotes whose writes are proposals (BrainSTEM consumables) also have an administrator, played
 * by the driver over HTTP (`proposals.ts`): it accepts or rejects pending approvals at random
 * times (also while the app is down), and at the end accepts everything still pending. In some
 * trials the app decides too, through a reviewer connection. The model follows the decisions:
 * a rejected Add is not live (until the user edits or resubmits it), a rejected Change leaves the
 * live values of the fields it changed (unless the user has changed them again since).
 */
export type TrialKind = 'crash' | 'faults' | 'quit';

export interface TrialResult {
  kind: TrialKind;
  seed: number;
  counts: Counts;
  failed: boolean;
  log: string[];
  ms: number;
}

/** Small backoffs so retries happen within a trial; generous limits so the limiter is not what takes time. */
export const APP_CONFIG: AppProcessConfig = {
  sync: {
    retryBackoff: { baseMs: 80, maxMs: 400 },
    connectionBackoff: { baseMs: 80, maxMs: 400 },
    // The real interval is minutes; a trial lasts seconds, so pulls come often enough to meet
    // edits still queued or backing off (where a pull must merge, not conflict or overwrite).
    pullIntervalMs: 1_000,
    requestTimeoutMs: 3_000,
    // Decisions are seconds apart here, not minutes.
    proposalPollMs: 250,
  },
  // Under the emulators' scaled limits (Catalog ×25: 50/s, 1250/min), so 429s come only from storms.
  rateLimit: [
    { limit: 40, windowMs: 1_000 },
    { limit: 1_200, windowMs: 60_000 },
  ],
};
const EMULATOR_RATE_LIMIT_SCALE = 25;
const DRAIN_MS: Record<TrialKind, number> = { crash: 10_000, quit: 10_000, faults: 15_000 };
/** At the end, how long the administrator may keep accepting what the app proposes (held edits go out after each decision). */
const DECIDE_ALL_MS = 12_000;
/** How often a trial has a reviewer connection deciding through the app as well. */
const REVIEWER_CHANCE = 0.35;
const MAX_LOG_LINES = 400;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runTrial(kind: TrialKind, seed: number, launcher: AppLauncher): Promise<TrialResult> {
  const trial = new Trial(kind, seed, launcher);
  const t0 = Date.now();
  try {
    await trial.run();
  } catch (error) {
    trial.counts.aborted++;
    trial.note(`ABORTED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (trial.app?.stderrTail) trial.note(`app stderr: ${trial.app.stderrTail}`);
  } finally {
    await trial.cleanup();
  }
  const failed = Object.values(trial.counts).some((n) => n > 0);
  return { kind, seed, counts: trial.counts, failed, log: trial.log, ms: Date.now() - t0 };
}

class Trial {
  readonly counts = zeroCounts();
  readonly log: string[] = [];
  app: AppChild | undefined;
  /** The first start, so cleanup can kill the child even if setup failed before it was awaited. */
  private starting: Promise<AppChild | undefined> | undefined;
  private readonly r: Random;
  private readonly t0 = Date.now();
  private readonly tag: string;
  private readonly dataDir: string;
  private readonly remotes = new Map<TortureSystemId, Started>();
  private readonly connectionIds = new Map<TortureSystemId, string>();
  /** Local ids present before the trial edited anything (the emulators' demo data). */
  private readonly baseline = new Set<string>();
  /** The remotes' demo records as they were before the app connected: remote id -> canonical JSON. */
  private readonly demoBefore = new Map<TortureSystemId, Map<string, string>>();
  private readonly model: IntendedRecord[] = [];
  private readonly unknown: UnknownEdit[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextMarker = 1;
  /** The administrator of each proposal remote. */
  private readonly desks = new Map<TortureSystemId, ProposalDesk>();
  /** Reviewer connections (an administrator's token in the app), per proposal remote. */
  private readonly reviewerIds = new Map<TortureSystemId, string>();
  /** Decisions seen on the remote, waiting until their record's outcome is known to the model. */
  private readonly decisionQueue: Decision[] = [];
  /** Markers with an edit call awaiting the app's reply. */
  private readonly busy = new Set<string>();
  /** Local ids of proposal records seen in conflict while the trial ran (each counted once). */
  private readonly conflicted = new Set<string>();

  constructor(
    private readonly kind: TrialKind,
    private readonly seed: number,
    private readonly launcher: AppLauncher,
  ) {
    this.r = createRandom(seed);
    this.tag = (seed >>> 0).toString(36);
    this.dataDir = mkdtempSync(join(tmpdir(), 'benchsync-torture-'));
  }

  note(message: string): void {
    if (this.log.length < MAX_LOG_LINES) this.log.push(`+${String(Date.now() - this.t0).padStart(5)}ms ${message}`);
    else if (this.log.length === MAX_LOG_LINES) this.log.push('… (log truncated)');
  }

  async run(): Promise<void> {
    // The app starts while the remotes are set up: neither needs the other until it connects.
    const app = AppChild.start(this.launcher, this.dataDir, APP_CONFIG);
    this.starting = app.catch(() => undefined);
    const seeds = TORTURE_SYSTEMS.map(() => this.r.int(1, 2 ** 31 - 1));
    const own = TORTURE_SYSTEMS.filter((system) => !system.sameRemoteAs);
    const started = await Promise.all(own.map((system) => system.start(seeds[TORTURE_SYSTEMS.indexOf(system)]!, EMULATOR_RATE_LIMIT_SCALE)));
    own.forEach((system, i) => this.remotes.set(system.id, started[i]!));
    for (const system of TORTURE_SYSTEMS) if (system.sameRemoteAs) this.remotes.set(system.id, this.remotes.get(system.sameRemoteAs)!);
    for (const system of TORTURE_SYSTEMS) {
      if (!system.proposals) continue;
      // Its own dice: its timing is not the driver's, so it must not shift the driver's choices.
      const desk = new ProposalDesk(system, this.remote(system), createRandom(this.r.int(1, 2 ** 31 - 1)), this.counts, (m) => this.note(m));
      this.desks.set(system.id, desk);
    }
    const withReviewer = this.r.chance(REVIEWER_CHANCE);
    await this.seedRemotes();
    for (const system of TORTURE_SYSTEMS) this.demoBefore.set(system.id, await this.demoRecords(system));
    this.app = await app;
    this.note(`app started (pid ${this.app.pid})`);
    await this.connectAll(withReviewer);
    this.note(`connected${withReviewer ? ' (with a reviewer connection)' : ''}; ${this.baseline.size} demo records in the mirror`);
    for (const desk of this.desks.values()) await desk.scanSurely();
    this.takeDecisions();
    for (const desk of this.desks.values()) desk.startBackground(250, 900, 0.6);

    if (this.kind === 'faults') {
      for (let i = 0; i < 3; i++) this.changeFaults();
      const actions = this.r.int(8, 14);
      // Spaced out, so the pushes and pulls run under the faults rather than after them.
      for (let i = 0; i < actions; i++) await this.action(0.35, 400);
    } else {
      if (this.r.chance(0.5)) this.changeFaults();
      const segments = this.r.int(1, 3);
      for (let s = 0; s < segments; s++) {
        const actions = this.r.int(2, 6);
        for (let i = 0; i < actions; i++) await this.action(0.15, 150);
        if (this.kind === 'crash') await this.crash();
        else await this.gracefulQuit();
      }
    }
    await this.finish();
  }

  async cleanup(): Promise<void> {
    for (const desk of this.desks.values()) await desk.stopBackground().catch(() => undefined);
    for (const t of this.timers) clearTimeout(t);
    const app = this.app ?? (await this.starting);
    await app?.kill().catch(() => undefined);
    for (const { emulator } of new Set(this.remotes.values())) await emulator.close().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  // ---- setup ---------------------------------------------------------------------------------

  /** One or two of the user's own records on each remote before the app first connects. */
  private async seedRemotes(): Promise<void> {
    for (const system of TORTURE_SYSTEMS) {
      const n = this.r.int(1, 2);
      for (let i = 0; i < n; i++) {
        const marker = this.newMarker();
        const fields = system.newRecord(this.r, marker, this.remote(system));
        await system.seedRemote(this.remote(system), fields);
        this.model.push({ marker, system, localId: null, fields: trackedOf(system, fields), deleted: false });
        this.note(`seeded ${system.id} ${marker} ${short(fields)}`);
      }
    }
  }

  private async connectAll(withReviewer: boolean): Promise<void> {
    const app = this.app!;
    let connections = 0;
    for (const system of TORTURE_SYSTEMS) {
      const started = this.remote(system);
      if (system.sameRemoteAs) this.connectionIds.set(system.id, this.connectionIds.get(system.sameRemoteAs)!);
      else {
        const { settings, apiKey } = system.connection(started);
        const c = await app.value<{ id: string }>('connections.save', { system: system.appSystem, name: system.id, baseUrl: started.emulator.baseUrl, settings, apiKey });
        this.connectionIds.set(system.id, c.id);
        connections++;
      }
      if (system.proposals && withReviewer) {
        const reviewer = system.proposals.reviewer(started);
        const rc = await app.value<{ id: string }>('connections.save', { system: system.appSystem, name: `${system.id} (reviewer)`, baseUrl: started.emulator.baseUrl, ...reviewer });
        this.reviewerIds.set(system.id, rc.id);
        connections++;
      }
    }
    await this.waitUntil('the first pulls', 10_000, async () => {
      const statuses = await app.value<{ lastPullAt: string | null }[]>('sync.status');
      return statuses.length === connections && statuses.every((s) => s.lastPullAt);
    });
    // The random consumables use the remote's suppliers: the app's picker must offer each of them.
    for (const system of TORTURE_SYSTEMS) {
      const wanted = this.remote(system).facts.suppliers?.split(',');
      if (!wanted) continue;
      const picker = await app.value<{ remoteId: string }[]>('categories.list', { connectionId: this.connectionIds.get(system.id), source: 'suppliers' });
      const missing = wanted.filter((id) => !picker.some((p) => p.remoteId === id));
      if (missing.length > 0) throw new Error(`${system.id}: the app's supplier picker lacks ${missing.join(', ')}`);
    }
    // The seeded records are found by their names (each has a random token); everything else
    // already there is demo data.
    for (const system of TORTURE_SYSTEMS) {
      for (const item of await this.localRecords(system)) {
        const seeded = this.model.find((m) => m.system === system && !m.localId && m.fields.name === item.title);
        if (seeded) seeded.localId = item.id;
        else this.baseline.add(item.id);
      }
    }
    for (const m of this.model) if (!m.localId) this.note(`seeded ${m.marker} not in the mirror after the first pull`);
  }

  // ---- actions -------------------------------------------------------------------------------

  /** One random step, then up to `maxPauseMs` of quiet; `faultChance` is how often the step changes the fault schedule instead. */
  private async action(faultChance: number, maxPauseMs: number): Promise<void> {
    if (!this.app!.alive) await this.restart();
    const roll = this.r.next();
    if (roll < faultChance) this.changeFaults();
    else if (roll < faultChance + 0.2) await this.create(this.r.pick(TORTURE_SYSTEMS));
    else if (roll < faultChance + 0.44) await this.updateSome(false);
    else if (roll < faultChance + 0.54) await this.proposalStep();
    else if (roll < faultChance + 0.6) await this.deleteSome();
    else if (roll < faultChance + 0.73) await this.editAgainWhileReplyLost();
    else if (roll < faultChance + 0.85) await this.renameWhileCreateRetried();
    else if (roll < faultChance + 0.92) await this.syncNow();
    else await this.pause(this.r.int(20, 300));
    await this.pause(this.r.int(0, maxPauseMs));
  }

  private async create(system: TortureSystem): Promise<IntendedRecord | undefined> {
    const marker = this.newMarker();
    const fields = system.newRecord(this.r, marker, this.remote(system));
    const record: IntendedRecord = { marker, system, localId: null, fields: trackedOf(system, fields), deleted: false };
    this.note(`create ${system.id} ${marker} ${short(fields)}`);
    const reply = await this.edit({ type: 'create', record }, 'records.create', {
      connectionId: this.connectionIds.get(system.id),
      kind: system.kind,
      fields,
    });
    if (!reply?.ok) return undefined;
    record.localId = (reply.value as { id: string }).id;
    this.model.push(record);
    this.flushDecisions();
    return record;
  }

  private async update(record: IntendedRecord, rename: boolean): Promise<void> {
    if (record.system.proposals) {
      // An edit merges into a refused op of the record: the torture's random edits are made on clean records only.
      // (The app may be killed meanwhile: then nothing was sent.)
      const got = await this.app!.call('records.get', { id: record.localId }).catch(() => undefined);
      const detail = got?.ok ? (got.value as RecordDetail) : undefined;
      if (detail?.status === 'conflict') this.sawConflict(record.localId!, String(detail.fields.name));
      if (!detail || detail.ops.some((o) => o.state === 'rejected' || o.state === 'failing')) return;
      // While a proposal awaits a decision the app refuses edits; try that now and then (the refusal is expected).
      if (detail.status === 'awaiting_approval' && this.r.chance(0.7)) return;
    }
    const fields = record.system.change(this.r, record.fields, rename);
    this.note(`update ${record.system.id} ${record.marker} ${short(fields)}`);
    const reply = await this.edit({ type: 'update', record, fields }, 'records.update', { id: record.localId, fields });
    if (reply?.ok) {
      Object.assign(record.fields, fields);
      // An edit of a rejected Add proposes it again (a new create with the edited values).
      record.rejectedAdd = false;
    }
    this.flushDecisions();
  }

  private async remove(record: IntendedRecord): Promise<void> {
    this.note(`delete ${record.system.id} ${record.marker}`);
    const reply = await this.edit({ type: 'delete', record }, 'records.delete', { id: record.localId, reason: 'Torture test delete' });
    if (reply?.ok) record.deleted = true;
  }

  private async updateSome(rename: boolean): Promise<void> {
    const record = this.pickLive();
    if (record) await this.update(record, rename);
    else await this.create(this.r.pick(TORTURE_SYSTEMS));
  }

  private async deleteSome(): Promise<void> {
    const record = this.pickLive(true);
    if (record) await this.remove(record);
  }

  /** A known bug class: an edit whose reply is lost, and another edit of the record while it is retried. */
  private async editAgainWhileReplyLost(): Promise<void> {
    const record = this.pickLive();
    if (!record) return;
    const { system } = record;
    this.remote(system).emulator.faults.queue({ kind: 'reset-after-commit', method: system.updateMethod, pathIncludes: system.updatePath });
    this.note(`fault: next ${system.updateMethod} on ${system.id} loses its reply`);
    await this.update(record, false);
    await this.pause(this.r.int(10, 300));
    if (system.memberDeletes && this.r.chance(0.2)) await this.remove(record);
    else await this.update(record, this.r.chance(0.3));
  }

  /** A known bug class: a create whose reply is lost, renamed while the create is being retried. */
  private async renameWhileCreateRetried(): Promise<void> {
    const system = this.r.pick(TORTURE_SYSTEMS);
    this.remote(system).emulator.faults.queue({ kind: 'reset-after-commit', method: system.createMethod, pathIncludes: system.createPath });
    this.note(`fault: next ${system.createMethod} on ${system.id} loses its reply`);
    const record = await this.create(system);
    if (!record) return;
    await this.pause(this.r.int(10, 300));
    await this.update(record, true);
  }

  /** The user presses "Sync now" (a push and a pull), whatever is queued or backing off. */
  private async syncNow(): Promise<void> {
    this.note('sync now');
    await this.app!.call('sync.now', {}).catch(() => undefined);
  }

  /** Sends an edit; when the app dies first, the edit's outcome is unknown until read after the restart. */
  private async edit(edit: UnknownEdit, method: string, payload: unknown): Promise<DispatchReply | undefined> {
    const app = this.app!;
    this.busy.add(edit.record.marker);
    try {
      const reply = await app.call(method, payload);
      if (!reply.ok && edit.record.system.proposals && reply.error.code === 'conflict' && /awaits an administrator/.test(reply.error.message)) {
        // The app's rule: no edit on top of a proposal awaiting a decision. Not an error of the app.
        this.note(`  ${method} refused as it should be: ${reply.error.message}`);
      } else if (!reply.ok && reply.error.code === 'unavailable' && reply.error.message === 'quitting') {
        // Asked after the quit began (an edit of a batch started before it): the app says so, and
        // nothing was recorded. The user is told; nothing is lost.
        this.note(`  ${method} refused while quitting (not made)`);
      } else if (!reply.ok) {
        this.counts.editErrors++;
        this.note(`  ! ${method} refused: ${reply.error.code}: ${reply.error.message}`);
      }
      return reply;
    } catch (error) {
      if (!(error instanceof AppGone)) {
        this.counts.hangs++;
        this.note(`  ! ${String(error)}; killing the app`);
        await app.kill();
      } else this.note(`  ${method} ${edit.record.marker}: no reply before the app died (outcome unknown)`);
      this.unknown.push(edit);
      return undefined;
    } finally {
      this.busy.delete(edit.record.marker);
    }
  }

  // ---- proposals: the administrator, a reviewer connection, the user's follow-ups -----------

  /** One step of the approval workflow, on a random proposal remote. */
  private async proposalStep(): Promise<void> {
    const systems = TORTURE_SYSTEMS.filter((s) => s.proposals);
    if (systems.length === 0) return;
    const system = this.r.pick(systems);
    const roll = this.r.next();
    if (roll < 0.25) await this.desk(system).decideSome(this.r.int(1, 3), 'now').catch((e) => this.note(`  admin could not read the approvals: ${String(e).slice(0, 120)}`));
    else if (roll < 0.45 && this.reviewerIds.has(system.id)) await this.reviewerDecides(system);
    else if (roll < 0.7) await this.followUp(system);
    else await this.editWhileProposalInFlight(system);
    this.takeDecisions();
  }

  /**
   * The app's own reviewer connection decides a pending approval (queued like any edit), now and
   * then with the decision's reply lost.
   */
  private async reviewerDecides(system: TortureSystem): Promise<void> {
    const desk = this.desk(system);
    const connectionId = this.reviewerIds.get(system.id)!;
    const queue = await this.app!.value<{ approvalId: string; status: string; queuedDecision: string | null; fields: Fields }[]>('approvals.list', { connectionId });
    await desk.scan().catch(() => undefined);
    const open = queue.filter((a) => a.status === 'Pending' && !a.queuedDecision && system.markerOf(a.fields) && desk.isPending(a.approvalId) && !desk.claimed.has(a.approvalId));
    if (open.length === 0) return;
    const a = this.r.pick(open);
    const decision = this.r.chance(0.65) ? 'accept' : 'reject';
    desk.claimed.add(a.approvalId);
    if (this.r.chance(0.4)) {
      this.remote(system).emulator.faults.queue({ kind: 'reset-after-commit', method: 'PATCH', pathIncludes: system.proposals!.decisionPath(a.approvalId) });
      this.note(`fault: the reviewer's decision on ${a.approvalId.slice(0, 8)} loses its reply`);
    }
    this.note(`reviewer connection: ${decision} ${system.markerOf(a.fields)} ${a.approvalId.slice(0, 8)}`);
    try {
      const reply = await this.app!.call('approvals.decide', { connectionId, approvalId: a.approvalId, decision });
      if (!reply.ok) {
        this.counts.editErrors++;
        this.note(`  ! approvals.decide refused: ${reply.error.code}: ${reply.error.message}`);
      }
    } catch (error) {
      // Queued or not: the end finds out (a claimed approval with no decision queued is decided by the administrator).
      if (!(error instanceof AppGone)) throw error;
      this.note('  approvals.decide: no reply before the app died (outcome unknown)');
    }
  }

  /** The user resubmits or discards a proposal an administrator rejected. */
  private async followUp(system: TortureSystem): Promise<void> {
    const candidates: { record: IntendedRecord; detail: RecordDetail }[] = [];
    for (const record of this.model.filter((m) => m.system === system && !m.deleted && m.localId)) {
      const got = await this.app!.call('records.get', { id: record.localId });
      if (!got.ok) continue;
      const detail = got.value as RecordDetail;
      if (detail.status === 'conflict') this.sawConflict(record.localId!, String(detail.fields.name));
      if (detail.proposal?.status === 'Rejected' && detail.ops.length === 0) candidates.push({ record, detail });
    }
    if (candidates.length === 0) return;
    const { record, detail } = this.r.pick(candidates);
    const proposal = detail.proposal!;
    // The app knows of the rejection, so a scan now sees it too: the model takes it before the follow-up.
    await this.desk(system).scanSurely().catch(() => undefined);
    this.takeDecisions();
    if (this.r.chance(0.6)) {
      this.note(`resubmit ${system.id} ${record.marker} (${proposal.action} ${proposal.approvalId.slice(0, 8)})`);
      const edit: UnknownEdit = { type: 'resubmit', record, approvalId: proposal.approvalId, fields: trackedOf(system, proposal.fields) };
      const reply = await this.edit(edit, 'records.resubmitProposal', { id: record.localId });
      if (reply?.ok) this.resubmitted(edit);
    } else {
      this.note(`discard proposal ${system.id} ${record.marker} (${proposal.action} ${proposal.approvalId.slice(0, 8)})`);
      const edit: UnknownEdit = { type: 'discard', record, approvalId: proposal.approvalId, action: proposal.action };
      const reply = await this.edit(edit, 'records.discardProposal', { id: record.localId });
      if (reply?.ok) this.discarded(edit);
    }
    this.flushDecisions();
  }

  private resubmitted(edit: Extract<UnknownEdit, { type: 'resubmit' }>): void {
    const { record } = edit;
    Object.assign(record.fields, edit.fields);
    record.rejectedAdd = false;
    const approval = this.desk(record.system).approval(edit.approvalId);
    if (approval) this.desk(record.system).resubmitted(record.marker, approval);
    else this.note(`  (resubmitted ${edit.approvalId.slice(0, 8)}, which the administrator never saw)`);
  }

  private discarded(edit: Extract<UnknownEdit, { type: 'discard' }>): void {
    // A discarded Add is gone; a discarded Change leaves the live record (the model already has its values).
    if (edit.action === 'Add') edit.record.deleted = true;
  }

  /** An edit while the record's proposal is on the wire: it must wait for the decision, then be proposed on top. */
  private async editWhileProposalInFlight(system: TortureSystem): Promise<void> {
    const faults = this.remote(system).emulator.faults;
    const before = faults.current.latencyMs;
    faults.set({ latencyMs: this.r.int(150, 350) });
    this.note(`fault: ${system.id} latency ${faults.current.latencyMs} ms (an edit while a proposal is on its way)`);
    const live = this.model.filter((m) => m.system === system && !m.deleted && m.localId);
    const record = live.length > 0 && this.r.chance(0.5) ? this.r.pick(live) : await this.create(system);
    if (record && live.includes(record)) await this.update(record, false);
    await this.pause(this.r.int(20, 120));
    if (record && this.app!.alive) await this.update(record, this.r.chance(0.3));
    faults.set({ latencyMs: before });
  }

  private desk(system: TortureSystem): ProposalDesk {
    return this.desks.get(system.id)!;
  }

  /** Moves what the administrators saw decided into the model's queue, and applies what can be. */
  private takeDecisions(): void {
    for (const desk of this.desks.values()) this.decisionQueue.push(...desk.takeDecisions());
    this.flushDecisions();
  }

  /**
   * Applies queued decisions to the model, oldest first, except for records whose edits have an
   * unknown outcome or await a reply (their decisions wait, in order, until the model knows them).
   */
  private flushDecisions(): void {
    for (const desk of this.desks.values()) this.decisionQueue.push(...desk.takeDecisions());
    const waiting = new Set([...this.busy, ...this.unknown.map((u) => u.record.marker)]);
    const kept: Decision[] = [];
    for (const d of this.decisionQueue) {
      const record = this.model.find((m) => m.marker === d.marker && m.system.proposals);
      if (!record || waiting.has(d.marker) || kept.some((k) => k.marker === d.marker)) {
        kept.push(d);
        continue;
      }
      this.applyDecision(record, d.approval, d.live);
    }
    this.decisionQueue.splice(0, this.decisionQueue.length, ...kept);
  }

  /** The record's intended fields with the decisions already taken on it (queued or not yet taken from the desks) applied; the model itself is unchanged. */
  private withDecisions(record: IntendedRecord): Fields {
    for (const desk of this.desks.values()) this.decisionQueue.push(...desk.takeDecisions());
    const probe: IntendedRecord = { ...record, fields: { ...record.fields } };
    for (const d of this.decisionQueue) if (d.marker === record.marker) this.applyDecision(probe, d.approval, d.live, true);
    return probe.fields;
  }

  /** What a decision does to the user's intent (an acceptance changes nothing: the intent was already the proposal's). */
  private applyDecision(record: IntendedRecord, a: RemoteApprovalRow, live: Fields | undefined, quiet = false): void {
    const { system } = record;
    if (quiet) {
      if (a.status !== 'Rejected' || a.action === 'Add' || !live) return;
    } else this.note(`  model: ${a.action} ${a.id.slice(0, 8)} of ${record.marker} ${a.status.toLowerCase()}`);
    if (a.status !== 'Rejected') return;
    const proposed = trackedOf(system, a.fields);
    if (a.action === 'Add') {
      // Rejected as the user left it: not live. Edited since (held while it was pending): the edit proposes it again.
      if (differingFields(system, record.fields, proposed).length === 0) record.rejectedAdd = true;
      return;
    }
    if (!live) {
      this.note(`  ! model: the live record of rejected Change ${a.id.slice(0, 8)} is not on the remote`);
      return;
    }
    // Each field the Change changed keeps its live value, unless the user has set it again since.
    for (const k of system.tracked) {
      if (!(k in proposed) || canonical(proposed[k]) === canonical(live[k])) continue;
      if (canonical(record.fields[k]) === canonical(proposed[k])) record.fields[k] = live[k];
    }
  }

  private changeFaults(): void {
    const system = this.r.pick(TORTURE_SYSTEMS);
    const faults = this.remote(system).emulator.faults;
    const what = this.r.pick(['latency', 'errors', 'resets', 'storm429', 'offline', 'calm'] as const);
    if (what === 'latency') faults.set({ latencyMs: this.r.int(20, 150), latencyJitterMs: 50 });
    if (what === 'errors') faults.set({ errorRate: this.r.int(10, 40) / 100, errorStatus: this.r.pick([500, 502, 503]) });
    if (what === 'resets') faults.set({ resetAfterCommitRate: this.r.int(10, 40) / 100 });
    if (what === 'calm') faults.set({ latencyMs: 0, latencyJitterMs: 0, errorRate: 0, resetAfterCommitRate: 0 });
    let detail = '';
    if (what === 'storm429') {
      const ms = this.r.int(200, 1_000);
      faults.storm429(ms);
      detail = ` ${ms} ms`;
    }
    if (what === 'offline') {
      const ms = this.r.int(150, 800);
      faults.set({ offline: true });
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        faults.set({ offline: false });
      }, ms);
      this.timers.add(timer);
      detail = ` ${ms} ms`;
    }
    this.note(`fault: ${system.id} ${what}${detail} -> ${short(faults.current)}`);
  }

  // ---- restarts ------------------------------------------------------------------------------

  private async crash(): Promise<void> {
    let inFlight: Promise<unknown> = Promise.resolve();
    if (this.r.chance(0.5)) {
      // An edit the app may or may not have written when it dies.
      inFlight = this.r.chance(0.6) ? this.updateSome(false) : this.create(this.r.pick(TORTURE_SYSTEMS));
      await this.pause(this.r.int(0, 15));
    } else await this.pause(this.r.int(0, 300));
    this.note(`kill -9 (pid ${this.app!.pid})`);
    await this.app!.kill();
    await inFlight;
    await this.restart();
  }

  private async gracefulQuit(): Promise<void> {
    // Slow one remote down and edit there, so the quit arrives while a push is on the wire.
    const system = this.r.pick(TORTURE_SYSTEMS);
    const faults = this.remote(system).emulator.faults;
    const slow = this.r.chance(0.7);
    if (slow) faults.set({ latencyMs: this.r.int(100, 400) });
    const edit = this.r.chance(0.5) ? this.create(system) : this.updateSome(false);
    await this.pause(this.r.int(20, 150));
    this.note(`quit${slow ? ` (${system.id} latency ${faults.current.latencyMs} ms)` : ''}`);
    const code = await this.app!.quit();
    if (code !== 0) {
      this.counts.hangs++;
      this.note(`  ! quit exited with ${code === 3 ? '3 (core.close() hung)' : String(code)}`);
    }
    await edit;
    if (slow) faults.set({ latencyMs: 0 });
    await this.restart();
  }

  private async restart(): Promise<void> {
    if (this.app?.crashedByItself) {
      this.counts.appCrashes++;
      this.note(`  ! the app exited by itself: ${this.app.stderrTail.slice(-800)}`);
    }
    this.app = await AppChild.start(this.launcher, this.dataDir, APP_CONFIG);
    this.note(`restarted (pid ${this.app.pid})`);
    await this.resolveUnknown();
    this.takeDecisions();
  }

  /** Learns from the app's own records whether edits that got no reply were written; never guesses. */
  private async resolveUnknown(): Promise<void> {
    const app = this.app!;
    for (const u of this.unknown.splice(0)) {
      const { record } = u;
      if (u.type === 'create') {
        record.localId = await this.findLocal(record.system, record.marker);
        if (record.localId) this.model.push(record);
        this.note(`  unknown create ${record.marker}: ${record.localId ? 'it was written' : 'it was not written'}`);
        continue;
      }
      const got = await app.call('records.get', { id: record.localId });
      const detail = got.ok ? (got.value as RecordDetail) : undefined;
      if (u.type === 'resubmit' || u.type === 'discard') {
        // Either takes the rejected proposal off the record (a resubmission files a new one).
        const written = !detail || detail.proposal?.approvalId !== u.approvalId || detail.ops.length > 0;
        this.note(`  unknown ${u.type} ${record.marker}: ${written ? 'it was written' : 'it was not written'}`);
        if (written && u.type === 'resubmit') this.resubmitted(u);
        if (written && u.type === 'discard') this.discarded(u);
        continue;
      }
      if (u.type === 'delete') {
        record.deleted = !detail || detail.deleted;
        this.note(`  unknown delete ${record.marker}: ${record.deleted ? 'it was written' : 'it was not written'}`);
        continue;
      }
      if (!detail) {
        this.counts.lost++;
        this.note(`  ! unknown update ${record.marker}: the record itself is gone from the app`);
        record.deleted = true;
        continue;
      }
      const before = Object.fromEntries(Object.keys(u.fields).map((k) => [k, record.fields[k]]));
      // A rejection the administrators made before the restart may have reached the app already,
      // taking an earlier Change's values off: "not written" is also the record with it applied.
      const beforeDecided = Object.fromEntries(Object.keys(u.fields).map((k) => [k, this.withDecisions(record)[k]]));
      if (record.system.proposals) detail.fields = intendedView(record.system, detail);
      if (differingFields(record.system, u.fields, detail.fields).length === 0) {
        Object.assign(record.fields, u.fields);
        record.rejectedAdd = false;
        this.note(`  unknown update ${record.marker}: it was written`);
      } else if (differingFields(record.system, before, detail.fields).length === 0 || differingFields(record.system, beforeDecided, detail.fields).length === 0) {
        this.note(`  unknown update ${record.marker}: it was not written`);
      } else {
        // Neither before nor after: part of one edit was kept. The user sees fields nobody typed.
        this.counts.lost++;
        this.note(`  ! unknown update ${record.marker}: torn, app has ${short(trackedOf(record.system, detail.fields))}`);
        Object.assign(record.fields, trackedOf(record.system, detail.fields));
      }
    }
  }

  // ---- the end: drain and compare ------------------------------------------------------------

  private async finish(): Promise<void> {
    if (!this.app!.alive) await this.restart();
    for (const desk of this.desks.values()) await desk.stopBackground();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const { emulator } of new Set(this.remotes.values())) emulator.faults.reset();
    this.note('faults cleared; draining');
    const app = this.app!;
    const drained = await this.drain(DRAIN_MS[this.kind]);
    if (!drained) this.note(`  the outbox did not drain${this.desks.size > 0 ? ' (edits held for a decision go out once the administrator decides)' : ''}`);
    if (this.desks.size > 0) await this.decideEverything();
    // A pull after the last push, so the mirror can be compared with what the remote now holds.
    const pulledFrom = new Date().toISOString();
    await app.value('sync.now', {});
    const pulled = await this.waitUntil('a final pull', 5_000, async () => {
      const statuses = await app.value<{ lastPullAt: string | null; state: string }[]>('sync.status');
      return statuses.every((s) => s.lastPullAt && s.lastPullAt >= pulledFrom && s.state === 'idle');
    }).then(
      () => true,
      () => false,
    );
    if (!pulled) this.note('  ! no final pull of every connection (the mirror is compared as it is)');
    await this.compare();
  }

  private async drain(ms: number): Promise<boolean> {
    const app = this.app!;
    const until = Date.now() + ms;
    let kickedAt = 0;
    while (Date.now() < until) {
      // Re-kick now and then: a connection may sit out a backoff started during the faults.
      if (Date.now() - kickedAt > 1_000) {
        await app.value('sync.now', {});
        kickedAt = Date.now();
      }
      const statuses = await app.value<{ pending: number; state: string }[]>('sync.status');
      if (statuses.every((s) => s.state === 'idle')) {
        if (statuses.every((s) => s.pending === 0)) return true;
        // Ops held behind a conflict wait for the user: no amount of waiting drains them.
        const ops = await app.value<{ state: string }[]>('outbox.list', {});
        if (ops.every((o) => o.state.startsWith('held_') || o.state === 'rejected')) return false;
      }
      await sleep(50);
    }
    return false;
  }

  /**
   * The administrator accepts whatever is still pending (a reviewer's queued decision excepted,
   * which the app sends itself), again after each round of edits the decisions released, until
   * nothing is pending on the remote, nothing awaits a decision in the app and nothing is held.
   */
  private async decideEverything(): Promise<void> {
    const app = this.app!;
    const until = Date.now() + DECIDE_ALL_MS;
    let kickedAt = 0;
    let rounds = 0;
    while (Date.now() < until) {
      if (Date.now() - kickedAt > 700) {
        await app.value('sync.now', {});
        kickedAt = Date.now();
      }
      const ops = await app.value<{ type: string; state: string; payload: Fields; recordId: string }[]>('outbox.list', {});
      const sending = ops.some((o) => o.state === 'queued' || o.state === 'in_flight' || o.state === 'unknown');
      let pending = 0;
      for (const desk of this.desks.values()) {
        await desk.scanSurely();
        const reviewerId = this.reviewerIds.get(desk.system.id);
        for (const a of desk.stillPending()) {
          pending++;
          if (desk.claimed.has(a.id)) {
            // The reviewer's decision is queued in the app (it goes out in the drain); if it never was, decide here.
            const queued = reviewerId ? (await app.value<{ approvalId: string; queuedDecision: string | null }[]>('approvals.list', { connectionId: reviewerId })).some((q) => q.approvalId === a.id && q.queuedDecision) : false;
            if (queued) continue;
            desk.claimed.delete(a.id);
          }
          if (sending) continue;
          await desk.decide(a.id, 'accept', 'the end');
        }
      }
      this.takeDecisions();
      await this.noteConflicts();
      // Held ops (for a decision, or behind a conflict a later pull may end) still have to go out; refused ones never will.
      const settled = ops.every((o) => o.state === 'rejected' || o.state === 'failing');
      if (!sending && pending === 0 && settled) {
        const waiting = await this.awaitingInApp();
        if (waiting === 0) {
          this.note(`  everything decided after ${rounds} round(s)`);
          return;
        }
      }
      rounds++;
      await sleep(120);
    }
    this.note('  ! proposals still undecided or unknown to the app after the end\'s decisions');
  }

  /**
   * Proposal remotes: a record in conflict while the trial runs. Nobody but the trial's user edits,
   * and the administrator only decides the user's own proposals, so any conflict is the app's
   * own, even one a later pull ends (counted once per record; the end's check counts what is left).
   */
  private async noteConflicts(): Promise<void> {
    for (const desk of this.desks.values()) {
      const page = await this.app!.value<{ items: { id: string; title: string }[] }>('records.list', { connectionId: this.connectionIds.get(desk.system.id), kind: desk.system.kind, status: 'conflict', limit: 500 });
      for (const item of page.items) this.sawConflict(item.id, item.title);
    }
  }

  private sawConflict(id: string, title: string): void {
    if (this.conflicted.has(id)) return;
    this.conflicted.add(id);
    this.counts.selfConflicts++;
    this.note(`  ! self-conflict (seen while running): "${title}"`);
  }

  /** Records of proposal remotes the app shows as awaiting a decision. */
  private async awaitingInApp(): Promise<number> {
    let n = 0;
    for (const desk of this.desks.values()) {
      const page = await this.app!.value<{ total: number }>('records.list', { connectionId: this.connectionIds.get(desk.system.id), status: 'awaiting_approval', limit: 1 });
      n += page.total;
    }
    return n;
  }

  private async compare(): Promise<void> {
    const app = this.app!;
    const ops = await app.value<{ type: string; state: string; recordTitle: string; error: string | null; attempts: number }[]>('outbox.list', {});
    this.counts.stuck += ops.length;
    for (const op of ops) this.note(`  ! stuck op: ${op.type} "${op.recordTitle}" ${op.state} after ${op.attempts} attempts${op.error ? `: ${op.error}` : ''}`);
    const conflicts = await app.value<{ total: number; items: { id: string; title: string }[] }>('records.list', { status: 'conflict', limit: 500 });
    for (const c of conflicts.items) {
      if (this.conflicted.has(c.id)) {
        this.note(`  ! still in conflict: "${c.title}" (counted when first seen)`);
        continue;
      }
      this.counts.selfConflicts++;
      this.note(`  ! self-conflict: "${c.title}"`);
    }

    for (const desk of this.desks.values()) {
      await desk.scanSurely();
      this.takeDecisions();
      desk.countDuplicates();
      for (const a of desk.stillPending()) {
        this.counts.stuck++;
        this.note(`  ! stuck proposal: ${a.action} ${desk.markerOfApproval(a.id)} ${a.id.slice(0, 8)} still pending on the remote`);
      }
      const waiting = await app.value<{ items: { id: string; title: string }[] }>('records.list', { connectionId: this.connectionIds.get(desk.system.id), status: 'awaiting_approval', limit: 500 });
      for (const item of waiting.items) {
        const got = await app.call('records.get', { id: item.id });
        const approvalId = got.ok ? (got.value as RecordDetail).proposal?.approvalId : undefined;
        if (approvalId && desk.isPending(approvalId)) continue; // counted above
        this.counts.stuck++;
        this.note(`  ! stuck proposal: "${item.title}" awaits a decision in the app, but ${approvalId ? `${approvalId.slice(0, 8)} was decided on the remote` : 'has no proposal'}`);
      }
    }
    for (const d of this.decisionQueue) this.note(`  (a decision on ${d.approval.id.slice(0, 8)} ${d.marker} was never applied to the model: no such record)`);

    for (const system of TORTURE_SYSTEMS) {
      const all = await system.readRemote(this.remote(system));
      const remote = all.filter((f) => system.markerOf(f));
      this.compareDemo(system, all.filter((f) => !system.markerOf(f)));
      const copies = new Map<string, Fields[]>();
      for (const f of remote) {
        const m = system.markerOf(f)!;
        copies.set(m, [...(copies.get(m) ?? []), f]);
      }
      const intended = this.model.filter((m) => m.system === system);
      for (const rec of intended) await this.compareRecord(rec, copies.get(rec.marker) ?? []);
      for (const [marker, list] of copies) {
        if (intended.some((m) => m.marker === marker)) continue;
        this.counts.unintended += list.length;
        this.note(`  ! ${system.id} holds ${list.length} record(s) ${marker} that no known edit made: ${short(trackedOf(system, list[0]!))}`);
      }
      await this.compareMirrorExtras(system, new Set(intended.map((m) => m.localId).filter((x): x is string => Boolean(x))));
    }
  }

  private async compareRecord(rec: IntendedRecord, copies: Fields[]): Promise<void> {
    const { system } = rec;
    const where = `${system.id} ${rec.marker}`;
    // A rejected Add is not live, whatever the app still shows of it.
    const gone = rec.deleted || Boolean(rec.rejectedAdd);
    if (copies.length > 1) {
      this.counts.duplicates += copies.length - 1;
      this.note(`  ! duplicate: ${where} is on the remote ${copies.length} times: ${copies.map((c) => short(trackedOf(system, c))).join(' | ')}`);
    }
    if (gone && copies.length > 0) {
      this.counts.resurrected++;
      this.note(`  ! resurrected: ${where} was ${rec.deleted ? 'deleted' : 'rejected by the administrator'} but the remote holds it`);
    }
    if (!gone && copies.length === 0) {
      this.counts.lost++;
      this.note(`  ! lost: ${where} is not on the remote (intended ${short(rec.fields)})`);
    }
    if (!gone && copies.length > 0) {
      const best = closest(system, rec.fields, copies);
      const diffs = differingFields(system, rec.fields, best);
      if (diffs.length > 0) {
        this.counts.lost++;
        this.note(`  ! lost: ${where} ${diffs.map((k) => `${k}: intended ${canonical(rec.fields[k])}, remote ${canonical(best[k])}`).join('; ')}`);
      }
    }
    if (!rec.localId) return;
    const got = await this.app!.call('records.get', { id: rec.localId });
    const local = got.ok ? (got.value as RecordDetail) : undefined;
    if (copies.length === 0 || gone) {
      // The app keeps showing a rejected Add until the user resubmits or discards it.
      const shownRejected = rec.rejectedAdd && local?.proposal?.status === 'Rejected' && local.proposal.action === 'Add';
      if (local && !local.deleted && copies.length === 0 && !shownRejected) {
        this.counts.mirrorMismatch++;
        this.note(`  ! mirror: ${where} is in the app (${local.status}) but not on the remote`);
      }
      return;
    }
    if (!local || local.deleted) {
      this.counts.mirrorMismatch++;
      this.note(`  ! mirror: ${where} is on the remote but ${local ? 'marked deleted' : 'missing'} in the app`);
      return;
    }
    if (copies.length === 1) {
      const diffs = differingFields(system, trackedOf(system, copies[0]!), local.fields);
      if (diffs.length > 0) {
        this.counts.mirrorMismatch++;
        this.note(`  ! mirror: ${where} ${diffs.map((k) => `${k}: remote ${canonical(copies[0]![k])}, app ${canonical(local.fields[k])}`).join('; ')}`);
      }
    }
  }

  private async demoRecords(system: TortureSystem): Promise<Map<string, string>> {
    const all = await system.readRemote(this.remote(system));
    return new Map(all.filter((f) => !system.markerOf(f)).map((f) => [system.remoteIdOf(f), canonical(f)]));
  }

  /** Nobody edits the demo records: any change (or loss) of one was made by the app on its own. */
  private compareDemo(system: TortureSystem, now: Fields[]): void {
    const before = this.demoBefore.get(system.id)!;
    const after = new Map(now.map((f) => [system.remoteIdOf(f), canonical(f)]));
    for (const [id, was] of before) {
      const is = after.get(id);
      if (is === was) continue;
      this.counts.collateral++;
      this.note(`  ! collateral: ${system.id} demo record ${id} ${is === undefined ? 'is gone' : `changed: ${short(is)}`}`);
    }
    for (const id of after.keys()) {
      if (before.has(id)) continue;
      this.counts.collateral++;
      this.note(`  ! collateral: ${system.id} has a new unmarked record ${id}: ${short(after.get(id))}`);
    }
  }

  /** Local records carrying a torture marker that are not the intended records' own: extra copies in the mirror. */
  private async compareMirrorExtras(system: TortureSystem, known: Set<string>): Promise<void> {
    for (const item of await this.localRecords(system)) {
      if (known.has(item.id) || this.baseline.has(item.id)) continue;
      const got = await this.app!.call('records.get', { id: item.id });
      if (!got.ok) continue;
      const marker = system.markerOf((got.value as { fields: Fields }).fields);
      if (!marker) continue;
      this.counts.mirrorMismatch++;
      this.note(`  ! mirror: an extra local record "${item.title}" carries ${marker}`);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private remote(system: TortureSystem): Started {
    return this.remotes.get(system.id)!;
  }

  private newMarker(): string {
    return `tt-${this.tag}-${this.nextMarker++}`;
  }

  private pickLive(forDelete = false): IntendedRecord | undefined {
    const live = this.model.filter((m) => !m.deleted && m.localId && (!forDelete || m.system.memberDeletes));
    return live.length > 0 ? this.r.pick(live) : undefined;
  }

  private async localRecords(system: TortureSystem): Promise<{ id: string; title: string }[]> {
    const page = await this.app!.value<{ total: number; items: { id: string; title: string }[] }>('records.list', {
      connectionId: this.connectionIds.get(system.id),
      kind: system.kind,
      limit: 500,
    });
    if (page.total > page.items.length) throw new Error(`more than 500 ${system.id} records: the torture reads one page only`);
    return page.items;
  }

  /** The local id of the not-yet-known record carrying `marker`, if the app has one. */
  private async findLocal(system: TortureSystem, marker: string): Promise<string | null> {
    const known = new Set(this.model.map((m) => m.localId));
    for (const item of await this.localRecords(system)) {
      if (this.baseline.has(item.id) || known.has(item.id)) continue;
      const got = await this.app!.call('records.get', { id: item.id });
      if (got.ok && system.markerOf((got.value as { fields: Fields }).fields) === marker) return item.id;
    }
    return null;
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms);
  }

  private async waitUntil(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await probe()) return;
      await sleep(40);
    }
    throw new Error(`timed out waiting for ${what}`);
  }
}

/**
 * The values a proposal remote's record stands for in the user's eyes: while a proposal awaits a
 * decision the app shows the live values as `fields` and the proposed ones beside them, with
 * edits held for the decision on top of both.
 */
function intendedView(system: TortureSystem, detail: RecordDetail): Fields {
  if (detail.proposal?.status !== 'Pending') return detail.fields;
  const held = Object.assign({}, ...detail.ops.filter((o) => o.type === 'create' || o.type === 'update').map((o) => o.payload)) as Fields;
  return { ...detail.fields, ...trackedOf(system, detail.proposal.fields), ...held };
}

/** What `records.get` answers, as far as the torture reads it. */
interface RecordDetail {
  fields: Fields;
  deleted: boolean;
  status: string;
  proposal: { approvalId: string; action: 'Add' | 'Change'; status: 'Pending' | 'Rejected'; fields: Fields } | null;
  ops: { type: string; state: string; payload: Fields }[];
}

function trackedOf(system: TortureSystem, fields: Fields): Fields {
  return Object.fromEntries(system.tracked.filter((k) => k in fields).map((k) => [k, fields[k]]));
}

/** A compact one-line rendering for the log. */
function short(value: unknown): string {
  const s = canonical(value);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}
