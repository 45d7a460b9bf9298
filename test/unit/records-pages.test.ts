import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordSummaryDto } from '../../src-shared/contract';
import { acceptAnswer, type Answer, PAGE_SIZE, pagesToFetch, type PagesState } from '../../src-renderer/stores/records-pages';

/** The list's rule for answers arriving in any order (src-renderer/stores/records-pages.ts). */

const row = (title: string) => ({ id: title, title }) as unknown as RecordSummaryDto;
const answer = (queryKey: number, epoch: number, page: number, title: string, total = 500): Answer => ({ queryKey, epoch, page, total, items: [row(title)] });
const start = (over: Partial<PagesState> = {}): PagesState => ({ queryKey: 0, epoch: 0, shownKey: 0, total: null, totalEpoch: 0, pages: {}, ...over });
const apply = (s: PagesState, a: Answer): PagesState => ({ ...s, ...(acceptAnswer(s, a) ?? {}) });

describe('records list answers', () => {
  it('an answer to an older query is dropped, even when it arrives last', () => {
    let s = start({ queryKey: 2, shownKey: 0 });
    s = apply(s, answer(2, 0, 0, 'harp'));
    expect(acceptAnswer(s, answer(1, 0, 0, 'h'))).toBeNull();
    expect(s.pages[0]!.items[0]!.title).toBe('harp');
  });

  it('the previous query stays on screen until the new one answers, then is replaced whole', () => {
    let s = start({ queryKey: 1, shownKey: 1, total: 900 });
    s = apply(s, answer(1, 0, 0, 'a0'));
    s = apply(s, answer(1, 0, 3, 'a3'));
    s = { ...s, queryKey: 2 };
    expect(pagesToFetch(s, 300, 350)).toEqual([0]);
    s = apply(s, answer(2, 0, 0, 'b0', 12));
    expect(s).toMatchObject({ shownKey: 2, total: 12 });
    expect(Object.keys(s.pages)).toEqual(['0']);
  });

  it('within a query, an older epoch never replaces a newer page or count', () => {
    let s = start({ queryKey: 1, shownKey: 1, epoch: 2 });
    s = apply(s, answer(1, 2, 0, 'fresh', 10));
    expect(acceptAnswer(s, answer(1, 1, 0, 'stale', 11))).toBeNull();
    s = apply(s, answer(1, 1, 1, 'older page', 11));
    expect(s.total).toBe(10);
    expect(s.pages[1]!.items[0]!.title).toBe('older page');
  });

  it('fetches only missing or stale pages of the rows on screen', () => {
    const s = start({ queryKey: 1, shownKey: 1, epoch: 3, pages: { 0: { items: [], epoch: 3 }, 1: { items: [], epoch: 2 } } });
    expect(pagesToFetch(s, 50, 2 * PAGE_SIZE + 5)).toEqual([1, 2]);
  });

  it('whatever order the answers of any queries arrive in, what is shown is the newest query’s newest answer', () => {
    const arrival = fc.array(fc.record({ queryKey: fc.integer({ min: 1, max: 4 }), epoch: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(arrival, (answers) => {
        const latest = Math.max(...answers.map((a) => a.queryKey));
        let s = start({ queryKey: latest, shownKey: 0, epoch: 3 });
        for (const a of answers) s = apply(s, answer(a.queryKey, a.epoch, 0, `${a.queryKey}@${a.epoch}`));
        const mine = answers.filter((a) => a.queryKey === latest);
        // Only the latest query's answers are shown, and of those the newest epoch that arrived.
        expect(s.shownKey).toBe(latest);
        expect(s.pages[0]!.items[0]!.title).toBe(`${latest}@${Math.max(...mine.map((a) => a.epoch))}`);
      }),
      { numRuns: 300 },
    );
  });
});
