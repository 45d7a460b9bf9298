import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src-shared/contract';
import { kindProfile } from '../../src-shared/domain/remotes';
import { codeFromScan, scanPrefill, scanTargets } from '../../src-renderer/lib/scan';

const codeChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~ +&=:@');
/** A code as printed on a label: no slashes, nothing at either end a trim would take. */
const labelCode = fc
  .array(codeChars, { minLength: 1, maxLength: 40 })
  .map((c) => c.join('').trim())
  .filter((c) => c.length > 0 && !/^https?:\/\//i.test(c));

/** A code a link's path can carry: "." and ".." are dot segments, which every URL parser resolves away. */
const pathCode = labelCode.filter((c) => c !== '.' && c !== '..');

describe('codes in scans', () => {
  it('a plain code is itself, trimmed', () => {
    fc.assert(
      fc.property(labelCode, (code) => {
        expect(codeFromScan(`  ${code}\t`)).toBe(code);
      }),
    );
  });

  it('a link to the asset: the last part of its path', () => {
    fc.assert(
      fc.property(pathCode, fc.boolean(), (code, slash) => {
        expect(codeFromScan(`https://lab.example/assets/${encodeURIComponent(code)}${slash ? '/' : ''}`)).toBe(code);
      }),
    );
  });

  it('a link with the code as a parameter: that parameter, whatever the path', () => {
    fc.assert(
      fc.property(labelCode, fc.constantFrom('code', 'CODE', 'asset', 'serial', 'sn', 'id', 'tag', 'barcode'), (code, name) => {
        expect(codeFromScan(`http://lab.example/label/print?lang=en&${name}=${encodeURIComponent(code)}`)).toBe(code);
      }),
    );
  });

  it('examples from labels', () => {
    expect(codeFromScan('https://lab.example/assets/asset-0042')).toBe('asset-0042');
    expect(codeFromScan('https://lab.example/label?code=asset-0042')).toBe('asset-0042');
    expect(codeFromScan('HTTPS://LAB.EXAMPLE/a?id=42&code=asset-0042')).toBe('asset-0042');
    expect(codeFromScan('https://lab.example/#asset-0042')).toBe('asset-0042');
    // Nothing in it to take: the link itself (which then matches nothing, and says so).
    expect(codeFromScan('https://lab.example/')).toBe('https://lab.example/');
    expect(codeFromScan('https://[broken')).toBe('https://[broken');
    // Not a web link: a code that happens to have a colon.
    expect(codeFromScan('RRID:AB_90755')).toBe('RRID:AB_90755');
  });
});

describe('where a scanned code goes in a new record', () => {
  it('its id or serial field, never the name', () => {
    expect(scanPrefill(kindProfile('cannlytics', 'instrument'), 'asset-0042')).toEqual({ field: 'instrument_id' });
    expect(scanPrefill(kindProfile('atomscale', 'instrument'), 'asset-0042')).toEqual({ field: 'serial_identifier' });
    expect(scanPrefill(kindProfile('brainstem', 'consumable'), 'RRID:AB_90755')).toEqual({ field: 'rrid' });
    // An RRID must start with "RRID:": the field refuses other codes, and the name is not a place for one.
    expect(scanPrefill(kindProfile('brainstem', 'consumable'), 'asset-0042')).toBeNull();
    expect(scanPrefill(kindProfile('catalog', 'instrument'), 'asset-0042')).toBeNull();
    expect(scanPrefill(kindProfile('brainstem', 'equipment'), 'asset-0042')).toBeNull();
  });

  it('choices: every connection and kind that can create, those that take the code first', () => {
    const connection = (id: string, system: Connection['system'], name: string): Connection => ({
      id,
      system,
      name,
      baseUrl: 'http://127.0.0.1:1',
      settings: {},
      hasKey: true,
      paused: false,
      createdAt: '2024-01-01T00:00:00Z',
    });
    const targets = scanTargets(
      [connection('c1', 'catalog', 'Lab catalog'), connection('c2', 'brainstem', 'Neuro lab'), connection('c3', 'atomscale', 'Thin films'), connection('c4', 'cannlytics', 'QA lab')],
      'asset-0042',
    );
    expect(targets.map((t) => [t.connection.name, t.kind, t.field?.label ?? null])).toEqual([
      ['Thin films', 'instrument', 'Serial ID'],
      ['QA lab', 'instrument', 'Instrument ID'],
      ['Lab catalog', 'instrument', null],
      ['Neuro lab', 'equipment', null],
      ['Neuro lab', 'consumable', null],
    ]);
  });
});
