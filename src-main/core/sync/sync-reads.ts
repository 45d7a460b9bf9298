import { type Kysely, sql } from 'kysely';
import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { Database } from '../db/schema';

/** What the sync loop reads of the mirror between writes (it writes only through `Mirror`). */
export class SyncReads {
  constructor(private readonly db: Kysely<Database>) {}

  /** The approval ids of proposals this connection submitted that still wait for a decision. */
  async pendingProposalIds(connectionId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('records')
      .select(sql<string>`json_extract(proposal, '$.approvalId')`.as('approvalId'))
      .where('connection_id', '=', connectionId)
      .where('proposal', 'is not', null)
      .where(sql<string>`json_extract(proposal, '$.status')`, '=', 'Pending')
      .execute();
    return rows.map((r) => r.approvalId);
  }

  /** The remote ids of several records that have one. */
  async remoteIdsOf(recordIds: readonly string[]): Promise<Map<string, string>> {
    if (recordIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('records').select(['id', 'remote_id']).where('id', 'in', [...recordIds]).where('remote_id', 'is not', null).execute();
    return new Map(rows.map((r) => [r.id, r.remote_id!]));
  }

  async lastGeneration(connectionId: string): Promise<number> {
    const row = await this.db
      .selectFrom('sync_cursors')
      .select('generation')
      .where('connection_id', '=', connectionId)
      .where('collection', '=', '*')
      .executeTakeFirst();
    return row?.generation ?? 0;
  }

  /**
   * Whether this approval id is, or was, one of a local record's own submissions (so a lost-reply
   * lookup never takes it, or another's, for the one just sent).
   */
  async isKnownApprovalId(connectionId: string, approvalId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('records')
      .select('id')
      .where('connection_id', '=', connectionId)
      .where((eb) =>
        eb.or([
          eb.and([eb('proposal', 'is not', null), eb(sql<string>`json_extract(proposal, '$.approvalId')`, '=', approvalId)]),
          eb.exists(sql`(SELECT 1 FROM json_each(records.proposal_history) WHERE value = ${approvalId})`),
        ]),
      )
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Whether a remote id already belongs to a local record (so a lost create is not matched to another record). */
  async isKnownRemoteId(connectionId: string, kind: RecordKind, remoteId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('id_map')
      .select('local_id')
      .where('connection_id', '=', connectionId)
      .where('kind', '=', kind)
      .where('remote_id', '=', remoteId)
      .executeTakeFirst();
    return Boolean(row);
  }
}
