import type { Db } from '../db/schema';
import { UserFacingError } from '../errors';
import { scanCodeOf } from '../../../src-shared/domain/scan-code';

/** What a label needs of a record. */
export interface LabelRecord {
  id: string;
  title: string;
  connectionName: string;
  code: string;
}

const quoted = (titles: string[]) => {
  const shown = titles.slice(0, 3).map((t) => `“${t || '(untitled)'}”`);
  return titles.length > 3 ? `${shown.join(', ')} and ${titles.length - 3} more` : shown.join(', ');
};

/** Reads the records to label (read only: labels change nothing). */
export class LabelRecords {
  constructor(private readonly db: Db) {}

  /**
   * The records, in the order asked. Refused whole, before anything is drawn, when one is not
   * here (`not_found`) or has no code that would scan back to it (`validation`).
   */
  async get(ids: readonly string[]): Promise<LabelRecord[]> {
    const unique = [...new Set(ids)];
    const rows = await this.db
      .selectFrom('records as r')
      .innerJoin('connections as c', 'c.id', 'r.connection_id')
      .select(['r.id', 'r.title', 'r.remote_id', 'r.serial', 'c.name as connection_name'])
      .where('r.id', 'in', unique)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const missing = unique.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw new UserFacingError('not_found', missing.length === 1 ? 'One of the records is no longer here; nothing was printed.' : `${missing.length} of the records are no longer here; nothing was printed.`);
    }
    const codeless = rows.filter((r) => scanCodeOf({ remoteId: r.remote_id, serial: r.serial }) === null);
    if (codeless.length > 0) {
      throw new UserFacingError(
        'validation',
        `${quoted(codeless.map((r) => r.title))} ${codeless.length === 1 ? 'has' : 'have'} no id or serial a scan could find yet: sync first (or give a serial), then print. Nothing was printed.`,
      );
    }
    return ids.map((id) => {
      const r = byId.get(id)!;
      return { id, title: r.title, connectionName: r.connection_name, code: scanCodeOf({ remoteId: r.remote_id, serial: r.serial })! };
    });
  }
}
