import type { Fields } from '../../src-shared/domain/record-kinds';
import type { Random } from '../sandbox/common/random';
import { canonical, type Counts } from './model';
import type { RemoteApprovalRow, Started, TortureSystem } from './systems';

/**
 * The administrator of a remote whose writes are proposals (BrainSTEM consumables), played by
 * the driver over HTTP with the admin's key, as another person on the BrainSTEM site would, and
 * the ledger of every approval carrying a torture marker.
 *
 * The ledger learns what was decided only by reading the approvals back (`scan`), whoever decided
 * (this administrator, or the app's reviewer connection) and whether the decision's reply arrived,
 * and hands each decision to the trial once, in the order it first saw them, together with the
 * live record as it was when the decision was seen (what a rejection leaves in place).
 *
 * Duplicates are counted here: one intended proposal filed twice is two approvals of one marker
 * with the same action, target and values (a resubmission after a rejection excepted, which the
 * trial announces), or two different approvals of one marker pending at once (the app holds edits
 * while a proposal awaits a decision, so it never files a second one on top).
 */
export interface Decision {
  marker: string;
  approval: RemoteApprovalRow;
  /** For a Change: the live record when the decision was seen. */
  live: Fields | undefined;
}

interface Seen {
  marker: string;
  approval: RemoteApprovalRow;
  signature: string;
  decided: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ProposalDesk {
  /** Approvals with a marker, in the order first seen. */
  private readonly seen = new Map<string, Seen>();
  /** Decisions not yet taken by the trial (see `takeDecisions`). */
  private readonly decisions: Decision[] = [];
  /** Approvals a reviewer connection in the app was asked to decide: this administrator leaves them alone. */
  readonly claimed = new Set<string>();
  /** Resubmissions the user asked for, per marker and signature: each allows one more approval of those values. */
  private readonly resubmits = new Map<string, number>();
  private readonly countedTwoPending = new Set<string>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private backgroundOn = false;
  decisionsMade = 0;

  constructor(
    readonly system: TortureSystem,
    private readonly started: Started,
    private readonly r: Random,
    private readonly counts: Counts,
    private readonly note: (message: string) => void,
  ) {}

  private get remote() {
    return this.system.proposals!;
  }

  /** What makes two approvals "the same proposal": action, target (a Change's live record) and the tracked values. */
  signature(a: RemoteApprovalRow): string {
    const tracked = Object.fromEntries(this.system.tracked.map((k) => [k, a.fields[k]]));
    return canonical([a.action, a.action === 'Change' ? a.instance_id : null, tracked]);
  }

  /** One at a time: scans and decisions never interleave (the ledger's order is the order of events). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Reads every approval and the live records; records decisions first seen now. Throws when the remote cannot be read. */
  scan(): Promise<void> {
    return this.serial(() => this.scanNow());
  }

  private async scanNow(): Promise<void> {
    const [approvals, live] = await Promise.all([this.remote.readApprovals(this.started), this.system.readRemote(this.started)]);
    const liveById = new Map(live.map((f) => [this.system.remoteIdOf(f), f]));
    const pendingByMarker = new Map<string, Seen[]>();
    for (const a of approvals) {
      const marker = this.system.markerOf(a.fields);
      if (!marker) continue;
      let s = this.seen.get(a.id);
      if (!s) {
        s = { marker, approval: a, signature: this.signature(a), decided: false };
        this.seen.set(a.id, s);
      }
      s.approval = a;
      if (a.status === 'Pending') pendingByMarker.set(marker, [...(pendingByMarker.get(marker) ?? []), s]);
      else if (!s.decided) {
        s.decided = true;
        this.decisions.push({ marker, approval: a, live: a.instance_id ? liveById.get(a.instance_id) : undefined });
      }
    }
    for (const [marker, list] of pendingByMarker) {
      if (list.length < 2) continue;
      // Same values are counted once at the end (`countDuplicates`); different ones pending together are counted here.
      const bySignature = new Set(list.map((s) => s.signature));
      if (bySignature.size < 2) continue;
      const key = list.map((s) => s.approval.id).sort().join(',');
      if (this.countedTwoPending.has(key)) continue;
      this.countedTwoPending.add(key);
      this.counts.duplicates += bySignature.size - 1;
      this.note(`  ! duplicate: ${marker} has ${list.length} different proposals pending at once: ${list.map((s) => `${s.approval.action} ${s.approval.id.slice(0, 8)}`).join(', ')}`);
    }
  }

  /** Decisions seen since the last call, oldest first. */
  takeDecisions(): Decision[] {
    return this.decisions.splice(0);
  }

  /** Pending approvals with a marker, as of the last scan. */
  pending(): RemoteApprovalRow[] {
    return [...this.seen.values()].filter((s) => !s.decided).map((s) => s.approval);
  }

  isPending(approvalId: string): boolean {
    const s = this.seen.get(approvalId);
    return Boolean(s && !s.decided);
  }

  approval(approvalId: string): RemoteApprovalRow | undefined {
    return this.seen.get(approvalId)?.approval;
  }

  /** The user resubmitted a rejected proposal: one more approval with its values is intended. */
  resubmitted(marker: string, approval: RemoteApprovalRow): void {
    const key = `${marker} ${this.signature(approval)}`;
    this.resubmits.set(key, (this.resubmits.get(key) ?? 0) + 1);
  }

  /** The administrator decides one approval (not one a reviewer connection was asked to decide). */
  decide(approvalId: string, verdict: 'accept' | 'reject', why: string): Promise<boolean> {
    return this.serial(async () => {
      const s = this.seen.get(approvalId);
      if (!s || s.decided || this.claimed.has(approvalId)) return false;
      this.note(`admin (${why}): ${verdict} ${s.approval.action} ${s.marker} ${approvalId.slice(0, 8)}`);
      try {
        await this.remote.decide(this.started, approvalId, verdict);
        this.decisionsMade++;
      } catch (error) {
        // A fault, or a lost reply: whether it took is read back by the next scan.
        this.note(`  admin's ${verdict} of ${approvalId.slice(0, 8)} got no clean answer: ${String(error).slice(0, 160)}`);
      }
      await this.scanNow().catch(() => undefined);
      return true;
    });
  }

  /** Accepts or rejects (at random) up to `n` pending approvals, after a fresh scan. */
  async decideSome(n: number, why: string, acceptChance = 0.65): Promise<void> {
    await this.scan();
    const open = this.pending().filter((a) => !this.claimed.has(a.id));
    for (let i = 0; i < n && open.length > 0; i++) {
      const a = open.splice(this.r.int(0, open.length - 1), 1)[0]!;
      await this.decide(a.id, this.r.chance(acceptChance) ? 'accept' : 'reject', why);
    }
  }

  /** Decides now and then, at random times, until stopped (also while the app is down or the remote is faulty). */
  startBackground(minMs: number, maxMs: number, chance: number): void {
    this.backgroundOn = true;
    const tick = () => {
      if (!this.backgroundOn) return;
      this.timer = setTimeout(async () => {
        this.timer = undefined;
        if (!this.backgroundOn) return;
        try {
          if (this.r.chance(chance)) await this.decideSome(1, 'at a random time');
          else await this.scan();
        } catch {
          // The remote is offline or failing; the administrator tries again later.
        }
        tick();
      }, this.r.int(minMs, maxMs));
    };
    tick();
  }

  async stopBackground(): Promise<void> {
    this.backgroundOn = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** A scan that retries a few times (for the end, when faults are cleared but a request may still fail). */
  async scanSurely(): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await this.scan();
        return;
      } catch (error) {
        if (i >= 5) throw error;
        await sleep(100);
      }
    }
  }

  /** At the end: approvals of one marker with the same values beyond the first (and beyond each resubmission). */
  countDuplicates(): void {
    const groups = new Map<string, Seen[]>();
    for (const s of this.seen.values()) {
      const key = `${s.marker} ${s.signature}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const [key, list] of groups) {
      const extra = list.length - 1 - (this.resubmits.get(key) ?? 0);
      if (extra <= 0) continue;
      this.counts.duplicates += extra;
      const { marker } = list[0]!;
      this.note(`  ! duplicate: ${marker} was proposed ${list.length} times with the same values: ${list.map((s) => `${s.approval.action} ${s.approval.id.slice(0, 8)} ${s.approval.status}`).join(', ')}`);
    }
  }

  /** Pending approvals left at the end (nobody decided them: stuck). */
  stillPending(): RemoteApprovalRow[] {
    return this.pending();
  }

  markerOfApproval(approvalId: string): string | undefined {
    return this.seen.get(approvalId)?.marker;
  }
}
