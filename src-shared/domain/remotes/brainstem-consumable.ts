import { z } from 'zod';
import type { Fields } from '../record-kinds';
import { charField, choiceField, DRF, DrfErrors, pkField } from './brainstem-drf';
import { CONSUMABLE_TYPE_LABELS, CONSUMABLE_TYPES, pyRepr } from './brainstem-schemas';
import { type DetailKeySpec, type KindProfile, str } from './profile';

/**
 * BrainSTEM consumables (`resources/consumable`, docs/remotes/brainstem.md): every add or change is a
 * proposal an administrator accepts or rejects; only administrators may delete. The schema
 * mirrors what the server checks on a POST, with DRF's words. Whether the supplier exists (and is
 * approved) is checked by the core against the suppliers pulled for the picker, and the name's
 * uniqueness against the connection's consumables (`uniqueFields`).
 */
export const CONSUMABLE_NAME_MAX = 100;
export const CONSUMABLE_DESCRIPTION_MAX = 500;
export const CONSUMABLE_NAME_TAKEN = DRF.unique('consumable', 'name');
export const RRID_PREFIX = "Must start with 'RRID:'.";

/** The consumable fields BenchSync keeps (the id is the record's remote id). `rrid_url` is read-only. */
export const CONSUMABLE_FIELDS = [
  'name',
  'type',
  'supplier',
  'description',
  'details',
  'rrid',
  'rrid_url',
  'external_identifiers',
  'comments',
] as const;

/** Fields the server computes: shown, never sent. */
export const CONSUMABLE_READ_ONLY = ['rrid_url'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Django's URLValidator, loosely: http(s)/ftp(s), a host with a dot (or localhost), no spaces. */
export function isValidUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return ['http:', 'https:', 'ftp:', 'ftps:'].includes(u.protocol) && (u.hostname.includes('.') || u.hostname === 'localhost');
  } catch {
    return false;
  }
}

/** `external_identifiers`: a list of `{Source, Identifier, URL?}` (null counts as an empty list). */
function externalIdentifiers(errors: DrfErrors, value: unknown): unknown[] | undefined {
  if (value === null) return [];
  if (!Array.isArray(value)) {
    errors.add('external_identifiers', DRF.list(value));
    return undefined;
  }
  const before = errors.map.external_identifiers?.length ?? 0;
  value.forEach((item, i) => {
    if (!isPlainObject(item)) {
      errors.add('external_identifiers', `Item ${i}: ${pyRepr(item)} is not of type 'object'`);
      return;
    }
    for (const key of ['Source', 'Identifier']) {
      if (!(key in item)) errors.add('external_identifiers', `Item ${i}: '${key}' is a required property`);
      else if (typeof item[key] !== 'string' || item[key] === '') {
        errors.add('external_identifiers', `Item ${i}: ${pyRepr(item[key])} is not a non-empty string ('${key}')`);
      }
    }
    if ('URL' in item && (typeof item.URL !== 'string' || !isValidUrl(item.URL))) {
      errors.add('external_identifiers', `Item ${i}: 'URL' ${DRF.url}`);
    }
  });
  return (errors.map.external_identifiers?.length ?? 0) > before ? undefined : value;
}

export const brainstemConsumableSchema: z.ZodType<Fields> = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  const errors = new DrfErrors();
  const has = (k: string) => Object.prototype.hasOwnProperty.call(raw, k) && raw[k] !== undefined;
  const out: Fields = {
    name: '',
    type: '',
    supplier: '',
    description: '',
    details: {},
    rrid: '',
    rrid_url: '',
    external_identifiers: [],
    comments: '',
  };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) out[k] = v;
  };
  // In the serializer's order, so each field's messages come out as the server lists them.
  if (has('name')) set('name', charField(errors, 'name', raw.name, CONSUMABLE_NAME_MAX, false));
  else errors.add('name', DRF.required);
  if (has('description')) set('description', charField(errors, 'description', raw.description, CONSUMABLE_DESCRIPTION_MAX));
  if (has('supplier')) set('supplier', pkField(errors, 'supplier', raw.supplier, false));
  else errors.add('supplier', DRF.required);
  if (has('type')) set('type', choiceField(errors, 'type', raw.type, CONSUMABLE_TYPES));
  else errors.add('type', DRF.required);
  if (has('details')) {
    // No schema is published for consumable details (docs/remotes/brainstem.md): any object passes.
    if (raw.details === null) errors.add('details', DRF.null);
    else if (!isPlainObject(raw.details)) errors.add('details', DRF.dict(raw.details));
    else set('details', raw.details);
  }
  if (has('rrid') && raw.rrid !== null) {
    const rrid = charField(errors, 'rrid', raw.rrid);
    if (rrid && !rrid.startsWith('RRID:')) errors.add('rrid', RRID_PREFIX);
    else set('rrid', rrid);
  }
  // Read-only: whatever the server last said, kept for display.
  if (has('rrid_url') && typeof raw.rrid_url === 'string') set('rrid_url', raw.rrid_url);
  if (has('external_identifiers')) set('external_identifiers', externalIdentifiers(errors, raw.external_identifiers));
  if (has('comments') && raw.comments !== null) set('comments', charField(errors, 'comments', raw.comments));
  for (const [field, messages] of Object.entries(errors.map)) {
    for (const message of messages) ctx.addIssue({ code: 'custom', path: [field], message });
  }
  return out;
});

const text = (key: string, label: string, help?: string): DetailKeySpec => ({ key, label, kind: 'text', ...(help ? { help } : {}) });
const number = (key: string, label: string, unit?: string): DetailKeySpec => ({ key, label, kind: 'number', ...(unit ? { unit } : {}) });
const integer = (key: string, label: string): DetailKeySpec => ({ key, label, kind: 'integer' });
const boolean = (key: string, label: string): DetailKeySpec => ({ key, label, kind: 'boolean' });

/**
 * The `details` keys of the types the API doc shows examples for, spelled as the examples spell
 * them (they are inconsistent: `productId` vs `product_id`). Units are the customary ones for
 * these products (the docs give none). Other types are edited as raw JSON.
 */
export const CONSUMABLE_DETAILS: Readonly<Record<string, readonly DetailKeySpec[]>> = {
  OpticFiberDesign: [
    text('productId', 'Product ID'),
    text('tipDescription', 'Tip', 'e.g. flat, tapered, angled'),
    number('coreDiameter', 'Core diameter', 'µm'),
    number('outerDiameter', 'Outer diameter', 'µm'),
    number('aperture', 'Numerical aperture'),
  ],
  SiliconProbeDesign: [
    text('product_id', 'Product ID'),
    number('shanksLength', 'Shank length', 'mm'),
    integer('nChannels', 'Channels'),
    integer('nShanks', 'Shanks'),
    number('shanksSpacing', 'Shank spacing', 'µm'),
    number('siteArea', 'Site area', 'µm²'),
    text('layout', 'Layout', 'e.g. linear, poly2'),
    boolean('uniformLayout', 'Uniform layout'),
    boolean('customDesign', 'Custom design'),
  ],
  VirusConstruct: [text('virus_type', 'Virus type', 'e.g. AAV, lentivirus'), text('notes', 'Notes')],
};

export const brainstemConsumableProfile: KindProfile = {
  kind: 'consumable',
  label: 'Consumable',
  schema: brainstemConsumableSchema,
  canCreate: true,
  canUpdate: true,
  canDelete: true,
  bulkFields: ['supplier'],
  deleteRequiresSetting: 'reviewer',
  uniqueFields: { name: CONSUMABLE_NAME_TAKEN },
  fields: [
    {
      name: 'name',
      label: 'Name',
      input: 'text',
      required: true,
      maxLength: CONSUMABLE_NAME_MAX,
      help: 'Unique across BrainSTEM, e.g. the product number.',
    },
    {
      name: 'type',
      label: 'Type',
      input: 'select',
      required: true,
      options: CONSUMABLE_TYPES,
      optionLabels: CONSUMABLE_TYPE_LABELS,
    },
    {
      name: 'supplier',
      label: 'Supplier',
      input: 'select',
      required: true,
      options: { source: 'suppliers', invalid: DRF.pk('{value}') },
      help: 'An approved BrainSTEM supplier.',
    },
    { name: 'description', label: 'Description', input: 'textarea', maxLength: CONSUMABLE_DESCRIPTION_MAX },
    {
      name: 'details',
      label: 'Details',
      input: 'details',
      details: { typeField: 'type', byType: CONSUMABLE_DETAILS },
      help: 'Specifications of this type. Any JSON object is accepted.',
    },
    { name: 'rrid', label: 'RRID', input: 'text', help: 'Research Resource Identifier, e.g. RRID:Addgene_100837.' },
    { name: 'rrid_url', label: 'RRID link', input: 'text', readOnly: true, help: 'Set by BrainSTEM from the RRID.' },
    {
      name: 'external_identifiers',
      label: 'External identifiers',
      input: 'json',
      help: 'A list of {"Source": "NCBI", "Identifier": "…", "URL": "https://…"}; URL is optional. [] when none.',
    },
    {
      name: 'comments',
      label: 'Comment for the reviewers',
      input: 'textarea',
      help: 'Used when proposing: tells the BrainSTEM administrators why you add or change this consumable.',
    },
  ],
  summarize: (f) => ({
    title: str(f.name),
    subtitle: CONSUMABLE_TYPE_LABELS[f.type as keyof typeof CONSUMABLE_TYPE_LABELS] ?? str(f.type),
    vendor: '',
    serial: str(f.rrid),
    notes: str(f.description),
  }),
};
