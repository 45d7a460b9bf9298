import type { Db } from './rows';
import { recomputeStatus, systemOf } from './rows';
import type { HistorySource } from '../../../src-shared/domain/history';
import type { SystemId } from '../../../src-shared/domain/record-kinds';
import { type HistoryActor, type OpFate, writeHistory } from './history-writer';

/**
 * What one mirror transaction changed. Records it `touch`es get their status recomputed before the
 * commit; everything it names is announced once after.
 */
export class WriteScope {
  readonly touched = new Set<string>();
  readonly changed = new Set<string>();
  readonly connections = new Set<string>();
  /** So many records changed that listeners should reload rather than look at ids. */
  many = false;
  private readonly systems = new Map<string, SystemId>();
  /** For the history: what this write is, why (the user's words), and what became of ops. */
  source: HistorySource;
  reason: string | null = null;
  private readonly sourceFor = new Map<string, HistorySource>();
  private readonly fates: OpFate[] = [];

  constructor(
    readonly db: Db,
    private readonly actor: HistoryActor,
    source: HistorySource,
  ) {
    this.source = source;
  }

  /** This record's changes in this write come from `source` (e.g. one proposal of several was accepted). */
  sourceOf(recordId: string, source: HistorySource): void {
    this.sourceFor.set(recordId, source);
  }

  /** An op was sent, acknowledged or refused: its fate goes in the record's history. */
  opFate(fate: OpFate): void {
    this.fates.push(fate);
  }

  /** The record's ops, conflict or proposal changed: its status is derived again. */
  touch(connectionId: string, recordId: string): void {
    this.connections.add(connectionId);
    this.touched.add(recordId);
    this.changed.add(recordId);
  }

  /** The writer stored the record's status itself, after its last change in this write: not derived again. */
  derived(connectionId: string, recordId: string): void {
    this.connections.add(connectionId);
    this.changed.add(recordId);
    this.touched.delete(recordId);
  }

  /** The record's fields changed but not its status (e.g. a pulled record). */
  note(connectionId: string, recordIds: Iterable<string>): void {
    this.connections.add(connectionId);
    for (const id of recordIds) this.changed.add(id);
  }

  /** Something of the connection changed that no record id names (approvals, pick lists, many records). */
  noteConnection(connectionId: string, many = false): void {
    this.connections.add(connectionId);
    if (many) this.many = true;
  }

  async system(connectionId: string): Promise<SystemId> {
    let s = this.systems.get(connectionId);
    if (!s) {
      s = await systemOf(this.db, connectionId);
      this.systems.set(connectionId, s);
    }
    return s;
  }

  async finish(): Promise<void> {
    for (const id of this.touched) await recomputeStatus(this.db, id);
    await writeHistory(this.db, { actor: this.actor, source: this.source, sourceFor: this.sourceFor, reason: this.reason, fates: this.fates });
  }
}
