import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brainstemConsumableProfile } from '../../src-shared/domain/remotes/brainstem-consumable';
import type { DetailKeySpec, DetailsSpec } from '../../src-shared/domain/remotes/profile';
import { fromDetailsForm, relayoutDetails, toDetailsForm } from '../../src-renderer/lib/details';

/** The typed details editor (renderer) must never drop or change what a record holds. */
const spec = brainstemConsumableProfile.fields.find((f) => f.input === 'details')!.details as DetailsSpec;

const rowValue = (k: DetailKeySpec) =>
  k.kind === 'boolean'
    ? fc.boolean()
    : k.kind === 'integer'
      ? fc.integer({ min: -1e6, max: 1e6 })
      : k.kind === 'number'
        ? fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => !Object.is(n, -0))
        : fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== '');

function detailsFor(type: string) {
  const keys = spec.byType[type] ?? [];
  const known = fc.record(Object.fromEntries(keys.map((k) => [k.key, rowValue(k)])), { requiredKeys: [] });
  const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !keys.some((x) => x.key === k) && k !== '__proto__'), fc.jsonValue(), { maxKeys: 3 });
  return fc.tuple(known, extra).map(([a, b]) => ({ ...b, ...a }));
}

describe('details form', () => {
  const types = [...Object.keys(spec.byType), 'SomeUnlistedType'];

  it.each(types)('round-trips any %s details value', (type) => {
    fc.assert(
      fc.property(detailsFor(type), (value) => {
        const { value: back, errors } = fromDetailsForm(spec, toDetailsForm(spec, value, type));
        expect(errors).toEqual([]);
        expect(back).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('changing the type drops nothing', () => {
    const [a, b] = Object.keys(spec.byType);
    fc.assert(
      fc.property(detailsFor(a!), (value) => {
        const moved = relayoutDetails(spec, toDetailsForm(spec, value, a), b);
        expect(fromDetailsForm(spec, moved).value).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });
});
