import { describe, expect, it } from 'vitest';
import { changedFields, sameValue } from '../../src-shared/domain/field-diff';
import { choiceProblems, resolveByField, threeWayMerge } from '../../src-shared/domain/merge';

describe('threeWayMerge', () => {
  const base = { name: 'Rig', notes: 'old', coords: { x: 1, y: 2 } };

  it('merges disjoint changes', () => {
    const local = { ...base, coords: { x: 5, y: 2 } };
    const remote = { ...base, notes: 'new' };
    expect(threeWayMerge(base, local, remote)).toEqual({ merged: { name: 'Rig', notes: 'new', coords: { x: 5, y: 2 } }, conflicts: [] });
  });

  it('reports a field both sides changed differently', () => {
    const r = threeWayMerge(base, { ...base, notes: 'mine' }, { ...base, notes: 'theirs' });
    expect(r.conflicts).toEqual(['notes']);
    expect(r.merged.notes).toBe('mine');
  });

  it('the same change on both sides is no conflict', () => {
    expect(threeWayMerge(base, { ...base, notes: 'x' }, { ...base, notes: 'x' }).conflicts).toEqual([]);
  });
});

describe('field diff', () => {
  it('compares JSON values structurally, absent equal to null', () => {
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(undefined, null)).toBe(true);
    expect(changedFields({ a: 1, b: [1] }, { a: 1, b: [1, 2], c: null })).toEqual({ b: [1, 2] });
  });
});

describe('per-field conflict choices', () => {
  const base = { name: 'A', description: 'D', image: null };
  const mine = { name: 'A (mine)', description: 'D (mine)', image: null };
  const remote = { name: 'A', description: 'D (theirs)', image: 'https://x/y.png' };

  it('keeps both sides’ edits to other fields whatever is chosen', () => {
    expect(resolveByField(base, mine, remote, { description: 'theirs' })).toEqual({ name: 'A (mine)', description: 'D (theirs)', image: 'https://x/y.png' });
    expect(resolveByField(base, mine, remote, { description: 'mine' })).toEqual({ name: 'A (mine)', description: 'D (mine)', image: 'https://x/y.png' });
  });

  it('says which conflicts are still open and which choices are about no conflict', () => {
    expect(choiceProblems(['description', 'name'], { description: 'mine', image: 'theirs' })).toEqual({ open: ['name'], unknown: ['image'] });
  });
});
