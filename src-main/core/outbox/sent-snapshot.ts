import type { Fields } from '../../../src-shared/domain/record-kinds';
import { parseFields } from '../json';

/**
 * Exactly what one attempt of an op carried: its changed fields and the whole record as that op
 * leaves it. Stored with the op when it is sent, so a retry, a lost-reply lookup and the
 * acknowledgement use what was sent, never edits queued after it.
 */
export interface SentSnapshot {
  payload: Fields;
  fields: Fields;
}

export function parseSent(text: string | null | undefined): SentSnapshot | null {
  if (!text) return null;
  const value = JSON.parse(text) as Partial<SentSnapshot>;
  return { payload: value.payload ?? {}, fields: value.fields ?? {} };
}

/**
 * The record as an op leaves it: the last remote version plus that op and the ops of the record
 * before it, in order. Later ops are not applied, so a send never carries an edit queued behind it.
 */
export function fieldsAfter(base: Fields | null, opsUpToThis: readonly { type: string; payload: string }[]): Fields {
  let fields: Fields = { ...(base ?? {}) };
  for (const op of opsUpToThis) {
    if (op.type === 'create') fields = { ...parseFields(op.payload) };
    else if (op.type === 'update') fields = { ...fields, ...parseFields(op.payload) };
  }
  return fields;
}
