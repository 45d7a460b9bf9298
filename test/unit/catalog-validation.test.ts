import { describe, expect, it } from 'vitest';
import { catalogInstrumentSchema } from '../../src-shared/domain/remotes/catalog';
import { validateWith } from '../../src-shared/domain/validation';

const ok = { name: 'Flute', description: 'Woodwind', category_id: 2 };

describe('catalog instrument validation (the server’s rules, offline)', () => {
  it('normalises whitespace like the server', () => {
    const r = validateWith(catalogInstrumentSchema, { ...ok, name: '  Bench   HPLC  ', description: '\n# Title\n\nline  two \n', alternate_names: [' a  b ', '', null] });
    expect(r).toEqual({
      ok: true,
      fields: { name: 'Bench HPLC', description: '# Title\n\nline  two', category_id: 2, image: null, alternate_names: ['a b'] },
    });
  });

  it('names every missing required field in one message', () => {
    const r = validateWith(catalogInstrumentSchema, { name: ' ' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.values(r.errors).flat()).toContain('Required data is missing: name, description, category_id');
  });

  it.each([
    [{ name: 'x'.repeat(129) }, 'name', 'Provided name is over the limit of 128 characters.'],
    [{ alternate_names: ['Flute'] }, 'alternate_names', 'Alternate names must not include the primary name.'],
    [{ alternate_names: ['a', 'a'] }, 'alternate_names', 'Alternate names must not duplicate other alternate names.'],
    [{ alternate_names: Array.from({ length: 11 }, (_, i) => `n${i}`) }, 'alternate_names', 'You can not specify more than 10 alternate names.'],
    [{ alternate_names: 'a' }, 'alternate_names', '`alternate_names` must be an array of strings.'],
    [{ category_id: 'two' }, 'category_id', 'An invalid category ID was provided.'],
    [{ image: 'ftp://x/y.png' }, 'image', 'Image URL: URL must start with "http" or "https"'],
  ])('refuses %j with the server’s message', (patch, field, message) => {
    const r = validateWith(catalogInstrumentSchema, { ...ok, ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[field]).toContain(message);
  });
});
