import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce, type NewEdit, type PendingOp } from '../../src-shared/domain/coalesce';

const queued = (op: Omit<PendingOp, 'state'>): PendingOp => ({ ...op, state: 'queued' });
const update = (payload: Record<string, unknown>, base: Record<string, unknown> = {}): NewEdit => ({ type: 'update', payload, base });
const del = (base: Record<string, unknown> = {}): NewEdit => ({ type: 'delete', payload: {}, base });

describe('coalesce', () => {
  it('appends when nothing is pending', () => {
    expect(coalesce(undefined, update({ a: 1 }))).toEqual({ action: 'append', op: update({ a: 1 }) });
  });

  it('merges update into update, later values winning and the earliest base kept', () => {
    const r = coalesce(queued({ type: 'update', payload: { a: 1, b: 1 }, base: { a: 0, b: 0 } }), update({ b: 2, c: 3 }, { b: 1, c: 0 }));
    expect(r).toEqual({ action: 'replace', op: { type: 'update', payload: { a: 1, b: 2, c: 3 }, base: { a: 0, b: 0, c: 0 } } });
  });

  it('folds an update into a pending create', () => {
    const r = coalesce(queued({ type: 'create', payload: { name: 'x', d: 'y' }, base: {} }), update({ name: 'z' }));
    expect(r).toEqual({ action: 'replace', op: { type: 'create', payload: { name: 'z', d: 'y' }, base: {} } });
  });

  it('create then delete is nothing', () => {
    expect(coalesce(queued({ type: 'create', payload: { name: 'x' }, base: {} }), del())).toEqual({ action: 'drop' });
  });

  it('update then delete is a delete keeping the original base', () => {
    const r = coalesce(queued({ type: 'update', payload: { a: 1 }, base: { a: 0 } }), del({ a: 1, b: 5 }));
    expect(r).toEqual({ action: 'replace', op: { type: 'delete', payload: {}, base: { a: 0, b: 5 } } });
  });

  it('never merges into an op in flight or one whose outcome is unknown', () => {
    const inFlight: PendingOp = { type: 'create', payload: { name: 'x' }, base: {}, state: 'in_flight' };
    expect(coalesce(inFlight, del())).toEqual({ action: 'append', op: del() });
    for (const state of ['unknown', 'failing', 'held_conflict', 'held_decision'] as const) {
      const maybeSent: PendingOp = { type: 'update', payload: { a: 1 }, base: {}, state };
      expect(coalesce(maybeSent, update({ a: 2 })).action, state).toBe('append');
    }
  });

  it('merges into a rejected op so fixing the record retries it', () => {
    const rejected: PendingOp = { type: 'update', payload: { a: 'bad' }, base: { a: 0 }, state: 'rejected' };
    expect(coalesce(rejected, update({ a: 'good' }, { a: 'bad' }))).toEqual({
      action: 'replace',
      op: { type: 'update', payload: { a: 'good' }, base: { a: 0 } },
    });
  });

  it('refuses edits after a local delete', () => {
    expect(() => coalesce(queued({ type: 'delete', payload: {}, base: {} }), update({ a: 1 }))).toThrow(/already deleted/);
  });

  it('property: a burst of updates coalesces to the net change of every field', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer()), { minLength: 1, maxLength: 20 }), (edits) => {
        let pending: PendingOp | undefined;
        for (const e of edits) {
          const r = coalesce(pending, update(e));
          if (r.action === 'drop') throw new Error('updates never drop');
          pending = { ...r.op, state: 'queued' };
        }
        expect(pending!.payload).toEqual(Object.assign({}, ...edits));
      }),
    );
  });
});
