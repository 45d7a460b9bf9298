import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { ProposalUpdate, PushResult, RemoteApproval, RemoteCategory, RemoteRecord } from '../../connectors/connector';
import type { ConnectionStore } from '../connections/connection-store';
import { checkpointPause } from '../db/database';
import { nowIso } from '../json';
import type { SentSnapshot } from '../outbox/sent-snapshot';
import { applyAcknowledged } from './apply-acknowledged';
import { applyApprovals, applyProposalUpdates } from './apply-proposals';
import { applyPickList, applyPullComplete, applyPulledChunk, type PullCompleteResult } from './apply-pull';

export type { PullCompleteResult } from './apply-pull';
import { LocalEdits } from './local-edits';
import { type BenchActDone, type BenchActInput, type UndoDone, undoBenchAct, writeBenchAct } from './bench-acts';
import { writeScheduleSets, writeSchedules } from './schedules';
import type { ScheduleRule } from '../../../src-shared/domain/calibration';

export type { BenchActDone, BenchActInput, UndoDone } from './bench-acts';
import { absorbIntoRejected, requeueOp } from './outbox-rows';
import { type Db, rebuildFromOutbox } from './rows';
import type { HistorySource } from '../../../src-shared/domain/history';
import type { HistoryActor } from './history-writer';
import { refuseScopeOf } from './write-access';
import { WriteScope } from './write-scope';

/** What one write changed, announced once after its commit. */
export interface MirrorChange {
  /** The one connection whose records changed, or null when several did. */
  connectionId: string | null;
  /** The records that changed, or null for "too many to name: reload". */
  ids: string[] | null;
  /** The technician's own edit (the sync loop should wake for it). */
  local: boolean;
}

/**
 * Pulled records are applied in transactions of this many, with a yield between them, so IPC keeps
 * answering: a transaction does not yield, so its length is how long a request from the window can
 * wait (measured under load: 100 records ~12 ms typical, 50 ~7 ms; smaller makes the pull slower).
 */
const PULL_CHUNK = 50;
const MANY = 200;

/**
 * The one owner of the mirror: the only code that writes records, the outbox, the id map,
 * approvals and pick lists (a layering test keeps it so). Every method is one transaction that
 * mutates, derives each touched record's status with `recordState` (src-shared), commits, then
 * announces the change once. Handlers and the sync engine call it; connectors never see it.
 */
export class Mirror {
  readonly edits: LocalEdits;
  private readonly listeners = new Set<(change: MirrorChange) => void>();

  constructor(
    private readonly db: Db,
    connections: ConnectionStore,
    private readonly actor: HistoryActor = { osUser: 'unknown', accountOf: () => null },
  ) {
    this.edits = new LocalEdits(
      db,
      connections,
      (fn) => this.write(fn, true),
      (fn) => this.rehearse(fn),
    );
  }

  onChange(listener: (change: MirrorChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- the sync engine's writes: an op's life on the wire ----

  /**
   * Marks ops as in flight with exactly what this attempt carries, counting the attempt before
   * anything is sent (a crash mid-request leaves them "outcome unknown"). Returns the ids claimed:
   * an op edited, discarded or held since it was read (`op`, as the snapshot was made from it) is not.
   */
  async claim(sends: ReadonlyArray<{ op: { id: number; type: string; payload: string }; sent: SentSnapshot }>): Promise<number[]> {
    return this.write(async (s) => {
      const claimed: number[] = [];
      for (const { op: read, sent } of sends) {
        const op = await s.db.selectFrom('outbox').select(['connection_id', 'record_id', 'state', 'type', 'payload']).where('id', '=', read.id).executeTakeFirst();
        if (!op || (op.state !== 'queued' && op.state !== 'unknown')) continue;
        // An edit merged into it since it was read: the snapshot lacks it, so this send must not go.
        if (op.type !== read.type || op.payload !== read.payload) continue;
        await s.db
          .updateTable('outbox')
          .set((eb) => ({ state: 'in_flight', attempts: eb('attempts', '+', 1), sent: JSON.stringify(sent), sent_at: nowIso(), updated_at: nowIso() }))
          .where('id', '=', read.id)
          .execute();
        // queued/unknown -> in_flight leaves the record's status as it was (pending): nothing to derive again.
        s.note(op.connection_id, [op.record_id]);
        claimed.push(read.id);
      }
      return claimed;
    });
  }

  /**
   * Ops claimed ahead of their slot and never sent (the drain stopped first) go back to what they
   * were when read (`op`, the row `claim` was given): queued, with nothing to look up. Only ops
   * still in flight change.
   */
  async unclaim(ops: ReadonlyArray<{ id: number; attempts: number; sent: string | null; sent_at: string | null }>): Promise<void> {
    if (ops.length === 0) return;
    await this.write(async (s) => {
      for (const before of ops) {
        const op = await s.db.selectFrom('outbox').select(['connection_id', 'record_id', 'state']).where('id', '=', before.id).executeTakeFirst();
        if (!op || op.state !== 'in_flight') continue;
        await s.db
          .updateTable('outbox')
          .set({ state: 'queued', attempts: before.attempts, sent: before.sent, sent_at: before.sent_at, updated_at: nowIso() })
          .where('id', '=', before.id)
          .execute();
        s.note(op.connection_id, [op.record_id]);
      }
    });
  }

  /** The remote took the op (or a lookup found its effect). */
  async acknowledge(opId: number, result: PushResult): Promise<void> {
    await this.write((s) => applyAcknowledged(s, opId, result), false, 'server_normalised');
  }

  /** Several ops' acknowledgements (requests that went out together) in one transaction. */
  async acknowledgeAll(results: ReadonlyArray<{ opId: number; result: PushResult }>): Promise<void> {
    if (results.length === 0) return;
    await this.write(
      async (s) => {
        for (const { opId, result } of results) await applyAcknowledged(s, opId, result);
      },
      false,
      'server_normalised',
    );
  }

  /**
   * The remote refused the op for good: it waits for the user; edits queued behind it fold into it.
   * `accessDenied`: the server refused this account the write (not the values); for a kind whose
   * permission follows a pick list, the choice it wrote through is refused from now on.
   */
  async reject(opId: number, message: string, fieldErrors: Record<string, string[]>, accessDenied = false): Promise<void> {
    await this.write(async (s) => {
      const op = await s.db.selectFrom('outbox').select(['connection_id', 'record_id', 'kind', 'type', 'payload', 'remote_id']).where('id', '=', opId).executeTakeFirst();
      if (!op) return;
      s.opFate({ opId, connectionId: op.connection_id, recordId: op.record_id, kind: op.kind, remoteId: op.remote_id, event: 'op_rejected', detail: message });
      if (accessDenied) await refuseScopeOf(s, op);
      await s.db
        .updateTable('outbox')
        // A refused op did not happen remotely: its outcome is known again.
        .set({ state: 'rejected', last_error: message, field_errors: JSON.stringify(fieldErrors), attempts: 0, updated_at: nowIso() })
        .where('id', '=', opId)
        .execute();
      s.touch(op.connection_id, op.record_id);
      // Created offline, refused, and deleted meanwhile: nothing of it remains.
      if (!(await absorbIntoRejected(s, opId))) await rebuildFromOutbox(s.db, await s.system(op.connection_id), op.record_id);
    });
  }

  /** The remote kept failing on this op while answering others: shown like a rejection, with the server's words. */
  async markFailing(opId: number, message: string): Promise<void> {
    await this.write(async (s) => {
      const op = await s.db.selectFrom('outbox').select(['connection_id', 'record_id']).where('id', '=', opId).executeTakeFirst();
      if (!op) return;
      await s.db.updateTable('outbox').set({ state: 'failing', last_error: message, updated_at: nowIso() }).where('id', '=', opId).execute();
      s.touch(op.connection_id, op.record_id);
    });
  }

  /** Try again at `nextAttemptAt`; `mayHaveApplied` keeps the attempt counted (the op's outcome is unknown). */
  async requeue(opIds: readonly number[], nextAttemptAt: number, error: string | null, mayHaveApplied: boolean): Promise<void> {
    await this.write(async (s) => {
      for (const opId of opIds) {
        const op = await s.db.selectFrom('outbox').select(['connection_id', 'record_id', 'kind', 'remote_id', 'state']).where('id', '=', opId).executeTakeFirst();
        if (!op) continue;
        // Sent, and no answer came: the history says so (a send that never left is not an event).
        if (mayHaveApplied && op.state === 'in_flight') {
          s.opFate({ opId, connectionId: op.connection_id, recordId: op.record_id, kind: op.kind, remoteId: op.remote_id, event: 'op_sent', detail: error });
        }
        await requeueOp(s, opId, nextAttemptAt, error, mayHaveApplied);
        s.touch(op.connection_id, op.record_id);
      }
    });
  }

  /** After a restart nothing is in flight any more: those sends' outcome is unknown. */
  async recoverInFlight(): Promise<number> {
    return this.write(async (s) => {
      const r = await s.db.updateTable('outbox').set({ state: 'unknown', next_attempt_at: 0 }).where('state', '=', 'in_flight').executeTakeFirst();
      return Number(r.numUpdatedRows);
    });
  }

  // ---- what a pull brings ----

  async applyPulledPage(connectionId: string, generation: number, records: RemoteRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += PULL_CHUNK) {
      const chunk = records.slice(i, i + PULL_CHUNK);
      // Lets the WAL start over when the checkpointer asks (a pull writes without pause otherwise).
      await checkpointPause(this.db);
      await this.write((s) => applyPulledChunk(s, connectionId, generation, chunk), false, 'pull');
      if (i + PULL_CHUNK < records.length) await new Promise((r) => setImmediate(r));
    }
  }

  /** Forgets what a complete listing lacked; holds back (and says so) when that would be most of the connection's records. */
  async applyPullComplete(connectionId: string, kind: RecordKind, generation: number, allowMassRemoval = false): Promise<PullCompleteResult> {
    return this.write((s) => applyPullComplete(s, connectionId, kind, generation, allowMassRemoval), false, 'pull');
  }

  async applyPickList(connectionId: string, source: string, items: RemoteCategory[]): Promise<void> {
    await this.write((s) => applyPickList(s, connectionId, source, items));
  }

  async applyApprovals(connectionId: string, approvals: RemoteApproval[]): Promise<void> {
    await this.write((s) => applyApprovals(s, connectionId, approvals));
  }

  async applyProposalUpdates(connectionId: string, updates: ProposalUpdate[]): Promise<void> {
    await this.write((s) => applyProposalUpdates(s, connectionId, updates));
  }

  /** A pull of the whole connection completed at `at`, as pass `generation`. */
  async markPulled(connectionId: string, generation: number, at: string): Promise<void> {
    await this.write(async (s) => {
      await s.db
        .insertInto('sync_cursors')
        .values({ connection_id: connectionId, collection: '*', cursor: null, generation, last_pull_at: at })
        .onConflict((oc) => oc.columns(['connection_id', 'collection']).doUpdateSet({ generation, last_pull_at: at }))
        .execute();
    });
  }

  /** Writes the history of record rows removed with their connection (the database cascades that delete). */
  async settleHistory(): Promise<void> {
    await this.write(async () => undefined, false, 'connection_removed');
  }

  // ---- bench acts and maintenance schedules (docs/calibration.md) ----

  /** One bench act: a queued edit where the remote has a field for it, else a bench log entry; logged either way. */
  async benchAct(input: BenchActInput): Promise<BenchActDone> {
    return this.write((s) => writeBenchAct(s, input, this.actor.osUser), true);
  }

  /** Undoes one bench act (the log keeps both); an unsent edit's op goes back to what it was before. */
  async undoBenchAct(actId: number): Promise<UndoDone> {
    return this.write((s) => undoBenchAct(s, actId, this.actor.osUser), true);
  }

  /** Replaces a record's maintenance schedules (on the remote record for Cannlytics, else in the mirror). */
  async setSchedules(recordId: string, rules: readonly ScheduleRule[]): Promise<void> {
    await this.write((s) => writeSchedules(s, recordId, rules), true);
  }

  /** Several records' schedules, all or nothing (a CSV import). */
  async setScheduleSets(sets: readonly { recordId: string; rows: readonly number[]; rules: readonly ScheduleRule[] }[]): Promise<void> {
    await this.write((s) => writeScheduleSets(s, sets), true);
  }

  // ---- the transaction every write goes through ----

  private async write<T>(fn: (s: WriteScope) => Promise<T>, local = false, source: HistorySource = local ? 'local_edit' : 'sync'): Promise<T> {
    let scope!: WriteScope;
    const result = await this.db.transaction().execute(async (trx) => {
      scope = new WriteScope(trx, this.actor, source);
      const value = await fn(scope);
      await scope.finish();
      return value;
    });
    this.announce(scope, local);
    return result;
  }

  /** A write's checks without its effect: runs `fn` in a transaction, then rolls it back (and announces nothing). */
  private async rehearse<T>(fn: (s: WriteScope) => Promise<T>): Promise<T> {
    const rollback = Symbol('rehearsal');
    let value!: T;
    try {
      await this.db.transaction().execute(async (trx) => {
        const scope = new WriteScope(trx, this.actor, 'bulk_edit');
        value = await fn(scope);
        await scope.finish();
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }
    return value;
  }

  private announce(s: WriteScope, local: boolean): void {
    if (s.connections.size === 0) return;
    const connectionId = s.connections.size === 1 ? [...s.connections][0]! : null;
    const ids = s.many || s.changed.size > MANY ? null : [...s.changed].filter((id) => !id.startsWith('approval:'));
    const change: MirrorChange = { connectionId, ids, local };
    for (const l of this.listeners) l(change);
  }
}
