import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BurstDetector, isScanCharacter, SCANNER_TIMING, type Keystroke } from '../../src-renderer/lib/scan-burst';

const { burstGapMs, maxPauseMs, minLength } = SCANNER_TIMING;

type Event = { type: 'char'; key: string; gap: number } | { type: 'enter'; gap: number } | { type: 'idle'; gap: number } | { type: 'other' };
type Output = { scan: string } | { typed: string[] };

/** Feeds events (each `gap` ms after the one before) as views/keyboard.ts does, collecting what comes out. */
function feed(events: Event[], detector = new BurstDetector()): Output[] {
  const out: Output[] = [];
  const typed = (keys: Keystroke[]) => {
    if (keys.length > 0) out.push({ typed: keys.map((k) => k.key) });
  };
  let at = 1_000;
  for (const e of events) {
    if (e.type !== 'other') at += e.gap;
    if (e.type === 'char') typed(detector.char(e.key, at));
    else if (e.type === 'idle') typed(detector.idle(at));
    else if (e.type === 'other') typed(detector.interrupt());
    else {
      const verdict = detector.enter(at);
      if (verdict.kind === 'scan') out.push({ scan: verdict.code });
      else typed(verdict.keys);
    }
  }
  typed(detector.interrupt());
  return out;
}

const codeChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:?=#&%+');
const code = (min: number, max: number) => fc.array(codeChar, { minLength: min, maxLength: max }).map((c) => c.join(''));
const typedAt = (text: string, gaps: number[]): Event[] => [...text].map((key, i) => ({ type: 'char', key, gap: gaps[i % gaps.length]! }));

describe('scan bursts', () => {
  it('a code typed a few ms apart and ended with Enter is one scan of exactly that code', () => {
    fc.assert(
      fc.property(code(minLength, 60), fc.array(fc.integer({ min: 0, max: burstGapMs }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: maxPauseMs }), (text, gaps, enterGap) => {
        expect(feed([...typedAt(text, gaps), { type: 'enter', gap: enterGap }])).toEqual([{ scan: text }]);
      }),
    );
  });

  it('a scanner on a busy machine: fewer than half of the gaps slow is still a scan', () => {
    const fast = fc.integer({ min: 0, max: burstGapMs });
    const slow = fc.integer({ min: burstGapMs + 1, max: maxPauseMs });
    const burst = code(minLength, 60).chain((text) => {
      const n = text.length - 1;
      return fc
        .tuple(fc.array(fast, { minLength: n, maxLength: n }), fc.array(slow, { maxLength: Math.ceil(n / 2) - 1 }))
        .chain(([f, s]) => fc.shuffledSubarray([...s, ...f.slice(s.length)], { minLength: n }))
        .map((gaps) => ({ text, gaps: [0, ...gaps] }));
    });
    fc.assert(
      fc.property(burst, ({ text, gaps }) => {
        expect(feed([...typedAt(text, gaps), { type: 'enter', gap: 10 }])).toEqual([{ scan: text }]);
      }),
    );
  });

  it('a person typing (more than the burst gap between keys) is never a scan, however it ends; every key comes back once, in order', () => {
    fc.assert(
      fc.property(code(1, 30), fc.array(fc.integer({ min: burstGapMs + 1, max: 2_000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 2_000 }), (text, gaps, enterGap) => {
        const out = feed([...typedAt(text, gaps), { type: 'enter', gap: enterGap }]);
        expect(out.some((o) => 'scan' in o)).toBe(false);
        expect(out.flatMap((o) => ('typed' in o ? o.typed : []))).toEqual([...text]);
      }),
    );
  });

  it('half the gaps slow is a person, however fast the rest', () => {
    // "tests" with two quick rolls: 30 ms, 140 ms, 40 ms, 140 ms.
    expect(feed([...typedAt('tests', [0, 30, 140, 40, 140]), { type: 'enter', gap: 20 }])).toEqual([{ typed: [...'tests'] }]);
  });

  it('fewer characters than a code has are typing, even at scanner speed', () => {
    fc.assert(
      fc.property(code(1, minLength - 1), fc.integer({ min: 0, max: burstGapMs }), (text, gap) => {
        expect(feed([...typedAt(text, [gap]), { type: 'enter', gap }])).toEqual([{ typed: [...text] }]);
      }),
    );
  });

  it('a pause longer than a scanner makes splits the run; an Enter that comes too late is a person pressing Enter', () => {
    expect(feed([...typedAt('asset-0042', [5]), { type: 'enter', gap: maxPauseMs + 1 }])).toEqual([{ typed: [...'asset-0042'] }]);
    expect(feed([...typedAt('asset-0042', [0, 5, 5, maxPauseMs + 1, 5, 5, 5, 5, 5, 5]), { type: 'enter', gap: 5 }])).toEqual([{ typed: [...'ass'] }, { scan: 'et-0042' }]);
  });

  it('a shortcut typed before a scan stays a shortcut; the scan is only the burst', () => {
    expect(feed([{ type: 'char', key: 'e', gap: 0 }, ...typedAt('asset-0042', [400, 5, 5, 5, 5, 5, 5, 5, 5, 5]), { type: 'enter', gap: 5 }])).toEqual([
      { typed: ['e'] },
      { scan: 'asset-0042' },
    ]);
  });

  it('a held run waits until its deadline, then is typing', () => {
    const d = new BurstDetector();
    d.char('s', 0);
    expect(d.deadline()).toBe(maxPauseMs);
    expect(d.idle(maxPauseMs)).toEqual([]);
    expect(d.idle(maxPauseMs + 1)).toEqual([{ key: 's', at: 0 }]);
    expect(d.deadline()).toBeNull();
    for (const [i, key] of [...'abcd'].entries()) d.char(key, i * 5);
    expect(d.deadline()).toBe(15 + maxPauseMs);
  });

  it('whatever the timing, every character comes out exactly once, in order, as a scan or as typing', () => {
    const event: fc.Arbitrary<Event> = fc.oneof(
      fc.record({ type: fc.constant('char' as const), key: codeChar, gap: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ type: fc.constant('enter' as const), gap: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ type: fc.constant('idle' as const), gap: fc.integer({ min: 0, max: 300 }) }),
      fc.constant({ type: 'other' as const }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) => {
        const out = feed(events);
        const chars = events.flatMap((e) => (e.type === 'char' ? [e.key] : []));
        expect(out.flatMap((o) => ('scan' in o ? [...o.scan] : o.typed))).toEqual(chars);
        for (const o of out) if ('scan' in o) expect(o.scan.length).toBeGreaterThanOrEqual(minLength);
      }),
    );
  });

  it('scan characters: one visible character, no space or control key', () => {
    for (const key of ['a', 'Z', '0', '-', '/', ':', '?', 'é', 'µ', '😀']) expect(isScanCharacter(key), key).toBe(true);
    for (const key of [' ', '\t', '\u0007', 'Enter', 'Shift', 'ArrowDown', 'F1', 'Delete', '']) expect(isScanCharacter(key), key).toBe(false);
  });
});
