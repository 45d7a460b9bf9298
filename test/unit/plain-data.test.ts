import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLAIN_DATA_LIMITS, toPlainData } from '../../src-main/core/plain-data';

/** The check every payload passes before its schema: JSON data only, bounded, without recursion trouble. */
describe('toPlainData', () => {
  it('returns JSON data as it is (a copy), for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        fc.pre(!JSON.stringify(v).includes('"__proto__"'));
        const r = toPlainData(v);
        expect(r).toEqual({ ok: true, value: JSON.parse(JSON.stringify(v)) });
      }),
      { seed: 7, numRuns: 300 },
    );
    const input = { a: { b: [1] } };
    const r = toPlainData(input);
    expect(r.ok && r.value !== input && (r.value as typeof input).a !== input.a).toBe(true);
  });

  it('refuses NaN and the infinities where they are, which JSON would have turned into null', () => {
    expect(toPlainData({ fields: { name: NaN } })).toMatchObject({ ok: false, path: 'fields.name', problem: expect.stringContaining('NaN is not a number') });
    expect(toPlainData({ list: [1, Infinity] })).toMatchObject({ ok: false, path: 'list[1]' });
    expect(toPlainData(-Infinity)).toMatchObject({ ok: false, path: 'payload' });
  });

  it('refuses a value that contains itself, but not one seen twice side by side', () => {
    const loop: Record<string, unknown> = { name: 'x' };
    loop.self = loop;
    expect(toPlainData({ fields: loop })).toMatchObject({ ok: false, path: 'fields.self', problem: expect.stringContaining('circular') });
    const shared = { n: 1 };
    expect(toPlainData({ a: shared, b: shared })).toEqual({ ok: true, value: { a: { n: 1 }, b: { n: 1 } } });
  });

  it('stops at the depth limit, however deep the value (no stack overflow)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = { name: deep };
    const r = toPlainData({ fields: deep });
    expect(r).toMatchObject({ ok: false, problem: `the value is nested deeper than ${PLAIN_DATA_LIMITS.maxDepth} levels.` });
    // maxDepth lists inside one another pass; one more does not.
    let ok: unknown = 'x';
    for (let i = 0; i < PLAIN_DATA_LIMITS.maxDepth; i++) ok = [ok];
    expect(toPlainData(ok).ok).toBe(true);
    expect(toPlainData([ok]).ok).toBe(false);
  });

  it('refuses what is not plain data: dates, maps, class instances, holes, bigints, functions, undefined in a list', () => {
    for (const [v, words] of [
      [new Date(0), 'a Date'],
      [new Map(), 'a Map'],
      [new (class Gadget {})(), 'a Gadget'],
      [new Uint8Array(2), 'a Uint8Array'],
      // eslint-disable-next-line no-sparse-arrays
      [[1, , 2], 'hole'],
      [10n, 'bigint'],
      [() => 1, 'function'],
      [[undefined], 'undefined'],
      [Symbol('s'), 'symbol'],
    ] as const) {
      const r = toPlainData({ v });
      expect(r.ok, words).toBe(false);
      if (!r.ok) expect(r.problem, words).toContain(words);
    }
  });

  it('leaves out an absent (undefined) property, as JSON does, and refuses a "__proto__" key', () => {
    expect(toPlainData({ a: undefined, b: 1 })).toEqual({ ok: true, value: { b: 1 } });
    expect(toPlainData(JSON.parse('{"fields": {"__proto__": {"polluted": true}}}'))).toMatchObject({ ok: false, path: 'fields.__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds strings, total text and the number of values', () => {
    expect(toPlainData({ s: 'x'.repeat(PLAIN_DATA_LIMITS.maxStringLength + 1) })).toMatchObject({ ok: false, path: 's' });
    expect(toPlainData({ s: 'x'.repeat(PLAIN_DATA_LIMITS.maxStringLength) }).ok).toBe(true);
    const many = Array.from({ length: 5 }, () => 'x'.repeat(PLAIN_DATA_LIMITS.maxStringLength));
    expect(toPlainData(many)).toMatchObject({ ok: false, problem: expect.stringContaining('characters of text') });
    expect(toPlainData(new Array(PLAIN_DATA_LIMITS.maxValues).fill(0))).toMatchObject({ ok: false, problem: expect.stringContaining('values') });
  });

  it('a getter or proxy that throws is refused without repeating what it threw', () => {
    const tricky = {
      get name() {
        throw new Error('secret-abcdefgh');
      },
    };
    const r = toPlainData({ fields: tricky });
    expect(r).toEqual({ ok: false, path: 'fields.name', problem: 'the value could not be read.' });
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('secret-abcdefgh'); } });
    expect(JSON.stringify(toPlainData(proxy))).not.toContain('secret');
  });
});
