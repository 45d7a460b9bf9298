import { describe, expect, it } from 'vitest';
import { TurnBatch } from '../../src-main/core/sync/turn-batch';

describe('TurnBatch', () => {
  it('calls made in one turn share one flush, each gets its own result; a later turn flushes again', async () => {
    const flushes: number[][] = [];
    const batch = new TurnBatch<number, string>(async (items) => {
      flushes.push(items);
      return items.map((n) => `#${n}`);
    });
    const first = await Promise.all([batch.add(1), batch.add(2), batch.add(3)]);
    const second = await batch.add(4);
    expect(first).toEqual(['#1', '#2', '#3']);
    expect(second).toBe('#4');
    expect(flushes).toEqual([[1, 2, 3], [4]]);
  });

  it('a failed flush fails every call in it, and not the next turn’s', async () => {
    let fail = true;
    const batch = new TurnBatch<number, number>(async (items) => {
      if (fail) throw new Error('disk full');
      return items;
    });
    const results = await Promise.allSettled([batch.add(1), batch.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batch.add(3)).resolves.toBe(3);
  });
});
