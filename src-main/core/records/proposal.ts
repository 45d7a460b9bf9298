import { createHash } from 'node:crypto';
import type { Fields } from '../../../src-shared/domain/record-kinds';

/** A change the remote holds as a proposal until an admin decides (stored on the record as JSON). */
export interface Proposal {
  approvalId: string;
  action: 'Add' | 'Change';
  status: 'Pending' | 'Rejected';
  fields: Fields;
  message: string | null;
}

export function parseProposal(text: string | null | undefined): Proposal | null {
  return text ? (JSON.parse(text) as Proposal) : null;
}

/**
 * Outbox ops for a reviewer's decision act on an approval, not a record; their record id says
 * which. Hashed, because the contract's ids are at most 64 characters.
 */
export function approvalOpRecordId(connectionId: string, approvalId: string): string {
  return `approval:${createHash('sha256').update(`${connectionId}\n${approvalId}`).digest('hex').slice(0, 32)}`;
}
