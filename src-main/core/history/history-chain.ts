import { createHash } from 'node:crypto';
import type { HistoryTable } from '../db/schema';

/** The hash the first entry chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** An entry's content as stored: what its hash covers (everything but the hashes). */
export type HashedContent = Omit<HistoryTable, 'prev_hash' | 'hash'>;

/**
 * SHA-256 over the previous entry's hash and this entry's content, in a fixed order (a JSON array,
 * so no two different contents serialise alike). The id is covered, so moving an entry shows.
 */
export function entryHash(prevHash: string, e: HashedContent): string {
  const content = [
    prevHash,
    e.id,
    e.at,
    e.os_user,
    e.account,
    e.connection_id,
    e.record_id,
    e.remote_id,
    e.kind,
    e.source,
    e.event,
    e.field,
    e.before,
    e.after,
    e.op_id,
    e.detail,
    e.reason,
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
