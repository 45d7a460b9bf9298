import { describe, expect, it } from 'vitest';
import { fieldErrorsFrom } from '../../src-main/connectors/catalog/catalog-client';
import { fieldChanges } from '../../src-shared/domain/field-diff';
import { fieldsNamedBy, plainMessage } from '../../src-shared/domain/plain-messages';
import { brainstemEquipmentSchema } from '../../src-shared/domain/remotes/brainstem-equipment';
import { catalogInstrumentSchema } from '../../src-shared/domain/remotes/catalog';
import { validateWith } from '../../src-shared/domain/validation';
import { validateCreate } from '../sandbox/atomscale/validation';
import { MSG } from '../sandbox/brainstem/validate';
import { MESSAGES } from '../sandbox/catalog/catalog-validation';

/**
 * The pure rules behind the bench forms, on the messages the emulators produce (their own message
 * tables and validators, which copy the services' words): plain words per field, messages naming
 * several fields, and what a queued change changes.
 */
describe('server messages in plain words', () => {
  const setup = { label: 'Setup', choice: true };
  const type = { label: 'Type', choice: true };
  const notes = { label: 'Notes' };

  it.each([
    [MSG.choice(''), type, 'Choose a type.'],
    [MSG.null, setup, 'Choose a setup.'],
    [MSG.null, notes, 'Notes cannot be left empty.'],
    [MSG.required, setup, 'Choose a setup.'],
    [MSG.required, notes, 'Notes is required.'],
    [MSG.choice('Telescope'), type, '“Telescope” is not one of the choices for type; pick one from the list.'],
    [MSG.maxLength(500), notes, 'Notes can be at most 500 characters long.'],
    [MSG.pk('1234'), setup, 'The chosen setup (1234) is not on the server, or not visible to this account; pick another.'],
    [MSG.datetime, { label: 'Date and time' }, 'Date and time: enter a date and a time, e.g. 2025-01-15 09:30.'],
    [MSG.url, { label: 'RRID URL' }, 'RRID URL must be a web address, e.g. https://example.org/page.'],
    [MSG.unique('consumable'), { label: 'Name' }, 'Another consumable already has this name; choose a different name.'],
    [MESSAGES.required(['name', 'description']), { label: 'Description' }, 'Description is required.'],
    [MESSAGES.tooLong('name', 128), { label: 'Name' }, 'Name can be at most 128 characters long.'],
    [MESSAGES.invalidCategory, { label: 'Category', choice: true }, 'Choose a category from the list (the one given is not on the server).'],
    [MESSAGES.alternateTooMany, { label: 'Alternate names' }, 'At most 10 alternate names.'],
  ])('%s (%j) → %s, keeping the server’s words', (server, context, plain) => {
    expect(plainMessage(server, context)).toEqual({ text: plain, server });
  });

  it('Atomscale’s pydantic messages, as its validator gives them', () => {
    const result = validateCreate({ kind: 'value', value: { label: '  ', type: 'oven' } });
    expect(result.ok).toBe(false);
    const said = result.ok ? [] : result.errors.map((e) => [e.loc.at(-1), plainMessage(e.msg, { label: String(e.loc.at(-1)) }).text]);
    expect(said).toEqual([
      ['label', 'label cannot be left empty.'],
      ['name', 'name is required.'],
      ['type', "type must be one of mbe, pvd, sputter, cvd, ald or pld."],
    ]);
  });

  it('BrainSTEM’s jsonschema messages for a position, and words already plain, stay readable', () => {
    expect(plainMessage('zAngle: 400 is greater than the maximum of 360', { label: 'Position' }).text).toBe('zAngle can be at most 360 (it is 400).');
    expect(plainMessage("Additional properties are not allowed ('w' was unexpected)", { label: 'Position' }).text).toBe('Position cannot have “w”.');
    expect(plainMessage(MESSAGES.alternateIsPrimary, { label: 'Alternate names' })).toEqual({ text: MESSAGES.alternateIsPrimary, server: null });
    expect(plainMessage('You do not have permission to perform this action.')).toEqual({
      text: 'The server does not let this account make this change.',
      server: 'You do not have permission to perform this action.',
    });
  });

  it('a message naming several fields goes on each of them: offline, and from the server’s 400', () => {
    const message = MESSAGES.required(['name', 'description']);
    expect(fieldsNamedBy(message)).toEqual(['name', 'description']);
    expect(fieldsNamedBy(MSG.required)).toEqual([]);
    expect(fieldErrorsFrom([message, MESSAGES.alternateIsPrimary])).toEqual({ name: [message], description: [message], alternate_names: [MESSAGES.alternateIsPrimary] });
    const offline = validateWith(catalogInstrumentSchema, { name: ' ', category_id: 2 });
    expect(offline).toEqual({ ok: false, errors: { name: [message], description: [message] } });
  });

  it('the offline equipment check gives the messages of the issue’s form, on their fields', () => {
    const r = validateWith(brainstemEquipmentSchema, { type: '', setup: '', coordinates_system: 'External_XYZ_Absolute' });
    expect(r).toEqual({ ok: false, errors: { type: [MSG.choice('')], setup: [MSG.null] } });
  });
});

describe('what a queued change changes', () => {
  it('before → after per field, leaving out fields whose value did not move', () => {
    expect(fieldChanges({ name: 'Scope A', notes: 'Cable' }, { name: 'Scope B', notes: 'Cable', category_id: 3 })).toEqual([
      { field: 'name', before: 'Scope A', after: 'Scope B' },
      { field: 'category_id', before: null, after: 3 },
    ]);
  });
});
