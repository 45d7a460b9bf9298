import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choiceOffered, OP_STATES, type RecordFacts, recordState, refusedScopeOf, remoteWritable } from '../../src-shared/domain/record-state';

const facts = (f: Partial<RecordFacts> = {}): RecordFacts => ({ remoteEditable: true, deleted: false, inConflict: false, proposal: null, onRemote: true, ops: [], ...f });

describe('recordState', () => {
  it('status: conflict over refusal over pending over a proposal', () => {
    expect(recordState(facts()).status).toBe('synced');
    expect(recordState(facts({ ops: [{ type: 'update', state: 'unknown' }] })).status).toBe('pending');
    expect(recordState(facts({ ops: [{ type: 'update', state: 'failing' }] })).status).toBe('rejected');
    expect(recordState(facts({ proposal: 'Pending' })).status).toBe('awaiting_approval');
    expect(recordState(facts({ proposal: 'Rejected' })).status).toBe('rejected');
    expect(recordState(facts({ inConflict: true, ops: [{ type: 'update', state: 'rejected' }] })).status).toBe('conflict');
  });

  it('what blocks an edit, in the order the user must act', () => {
    expect(recordState(facts({ remoteEditable: false, deleted: true })).block).toBe('read_only');
    expect(recordState(facts({ deleted: true, inConflict: true })).block).toBe('deleted');
    expect(recordState(facts({ inConflict: true, proposal: 'Pending' })).block).toBe('conflict');
    expect(recordState(facts({ proposal: 'Pending' })).block).toBe('awaiting_decision');
    expect(recordState(facts({ proposal: 'Rejected' })).block).toBeNull();
  });

  it('a create-only key stays open only while the create has not left the machine', () => {
    expect(recordState(facts({ onRemote: false, ops: [{ type: 'create', state: 'queued' }] })).createOnlyOpen).toBe(true);
    expect(recordState(facts({ onRemote: false, ops: [{ type: 'create', state: 'rejected' }] })).createOnlyOpen).toBe(true);
    for (const state of ['in_flight', 'unknown', 'failing'] as const) {
      expect(recordState(facts({ onRemote: false, ops: [{ type: 'create', state }] })).createOnlyOpen, state).toBe(false);
    }
    expect(recordState(facts({ onRemote: true })).createOnlyOpen).toBe(false);
  });

  it('property: any op that is not synced makes the record not synced', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ type: fc.constantFrom('create', 'update', 'delete'), state: fc.constantFrom(...OP_STATES) }), { minLength: 1, maxLength: 5 }), (ops) => {
        expect(recordState(facts({ ops: ops as RecordFacts['ops'] })).status).not.toBe('synced');
      }),
    );
  });
});

describe('the write rule (record-state.ts)', () => {
  const choices = [
    { remoteId: 'rig', name: 'Ephys Rig 2', writeRefused: false },
    { remoteId: 'arena', name: 'Miniscope Arena', writeRefused: true },
  ];

  it('a record in a refused setup is read-only for that reason; a record of someone else for its own', () => {
    expect(recordState(facts({ remoteEditable: false, refusedScope: 'Miniscope Arena' })).block).toBe('scope_read_only');
    expect(recordState(facts({ remoteEditable: false })).block).toBe('read_only');
    expect(refusedScopeOf('setup', { setup: 'arena' }, choices)?.name).toBe('Miniscope Arena');
    expect(refusedScopeOf('setup', { setup: 'rig' }, choices)).toBeNull();
    expect(refusedScopeOf(undefined, { setup: 'arena' }, choices)).toBeNull();
    expect(remoteWritable(true, refusedScopeOf('setup', { setup: 'arena' }, choices))).toBe(false);
    expect(remoteWritable(true, null)).toBe(true);
  });

  it('the picker does not offer a refused setup, unless the record already has it', () => {
    expect(choiceOffered('setup', 'setup', choices[1]!, '')).toBe(false);
    expect(choiceOffered('setup', 'setup', choices[1]!, 'arena')).toBe(true);
    expect(choiceOffered('setup', 'setup', choices[0]!, '')).toBe(true);
    expect(choiceOffered('setup', 'type', choices[1]!, '')).toBe(true);
  });
});
