import { z } from 'zod';
import type { Fields } from '../record-kinds';
import { str, type SystemProfile } from './profile';

/**
 * Cannlytics LIMS instruments (docs/remotes/cannlytics.md). The server enforces no schema: it stores any
 * keys under the client-chosen `instrument_id` (a Firestore document id). These rules are ours:
 * the key must be a valid document id, the name must be there, and dates must look like dates,
 * so a technician's typo is caught offline instead of being stored as is.
 */
export const CANNLYTICS_LIMITS = { text: 200, initials: 10, description: 5000, dataPath: 1000, keyBytes: 1500 } as const;

/** Stamped by the server on every write; never sent. */
export const CANNLYTICS_SERVER_FIELDS = ['updated_at', 'updated_by'] as const;

const TEXT_FIELDS = {
  name: CANNLYTICS_LIMITS.text,
  instrument_type: CANNLYTICS_LIMITS.text,
  vendor: CANNLYTICS_LIMITS.text,
  area_id: CANNLYTICS_LIMITS.text,
  area_name: CANNLYTICS_LIMITS.text,
  calibrated_by: CANNLYTICS_LIMITS.text,
  initials: CANNLYTICS_LIMITS.initials,
  description: CANNLYTICS_LIMITS.description,
  data_path: CANNLYTICS_LIMITS.dataPath,
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const isDate = (s: string) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));

/** Why `id` cannot be a Firestore document id, or null when it can. */
export function documentIdProblem(id: string): string | null {
  if (id === '') return 'Enter an instrument ID.';
  if (id.includes('/')) return 'An instrument ID cannot contain "/".';
  if (id === '.' || id === '..') return '"." and ".." cannot be instrument IDs.';
  if (/^__.*__$/.test(id)) return 'IDs starting and ending with "__" are reserved by the database.';
  if (new TextEncoder().encode(id).length > CANNLYTICS_LIMITS.keyBytes) return 'An instrument ID can be at most 1500 bytes long.';
  return null;
}

/** "HPLC Agilent 1260" -> "hplc-agilent-1260": lower case, accents dropped, anything else a dash. */
export function proposeInstrumentId(fields: Fields): string {
  return str(fields.name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 100)
    .replace(/^-+|-+$/g, '');
}

/**
 * Normalises the documented fields that are present and keeps every other key as it is (labs
 * store their own, e.g. `model`, `serial_number`), so an edit never drops what it did not touch.
 * Absent fields stay absent: the connector fills the documented blanks when it creates.
 */
export const cannlyticsInstrumentSchema: z.ZodType<Fields> = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  const out: Fields = { ...raw };
  delete out.id; // reads add it; it is the document id, i.e. instrument_id
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const text = (name: string): string | undefined => {
    const v = raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object') {
      issue(name, 'Enter text here.');
      return undefined;
    }
    return String(v);
  };

  const key = text('instrument_id') ?? '';
  const keyProblem = documentIdProblem(key);
  if (keyProblem) issue('instrument_id', keyProblem);
  out.instrument_id = key;

  for (const [name, max] of Object.entries(TEXT_FIELDS)) {
    const value = text(name);
    if (value === undefined) continue;
    out[name] = name === 'name' ? value.trim() : value;
    if (value.length > max) issue(name, `At most ${max} characters.`);
  }
  if (!str(out.name).trim()) issue('name', 'Enter a name.');

  // The documented "never calibrated" value is 0.
  if ('calibrated_at' in raw) {
    const v = raw.calibrated_at;
    if (v === null || v === 0 || v === '' || v === '0') out.calibrated_at = 0;
    else if (typeof v === 'string' && isDate(v.trim())) out.calibrated_at = v.trim();
    else issue('calibrated_at', 'Enter the calibration date as YYYY-MM-DD, or leave it empty.');
  }
  if ('date' in raw) {
    const v = raw.date;
    if (v === null || v === '') out.date = '';
    else if (typeof v === 'string' && isDate(v.trim())) out.date = v.trim();
    else issue('date', 'Enter a date as YYYY-MM-DD or an ISO 8601 date and time.');
  }
  return out;
});

export const cannlyticsProfile: SystemProfile = {
  system: 'cannlytics',
  label: 'Cannlytics LIMS',
  defaultBaseUrl: 'https://console.cannlytics.com/api',
  settings: [
    {
      name: 'organizationId',
      label: 'Organization ID',
      required: true,
      help: 'The organization whose instruments to sync, as in the Cannlytics console URL (e.g. test-company).',
    },
  ],
  kinds: [
    {
      kind: 'instrument',
      label: 'Instrument',
      schema: cannlyticsInstrumentSchema,
      canCreate: true,
      canUpdate: true,
      canDelete: true,
      bulkFields: ['area_name', 'area_id', 'calibrated_at', 'calibrated_by', 'initials'],
      remoteKeyField: 'instrument_id',
      proposeRemoteKey: proposeInstrumentId,
      fields: [
        {
          name: 'instrument_id',
          label: 'Instrument ID',
          input: 'text',
          required: true,
          createOnly: true,
          help: 'The key Cannlytics files the instrument under, unique in the organization. Proposed from the name; it can be changed until the instrument is first sent to Cannlytics, never after.',
        },
        { name: 'name', label: 'Name', input: 'text', required: true, maxLength: CANNLYTICS_LIMITS.text },
        { name: 'instrument_type', label: 'Type', input: 'text', maxLength: CANNLYTICS_LIMITS.text, help: 'e.g. HPLC, GC-MS, Balance.' },
        { name: 'vendor', label: 'Vendor', input: 'text', maxLength: CANNLYTICS_LIMITS.text },
        { name: 'description', label: 'Description', input: 'textarea', maxLength: CANNLYTICS_LIMITS.description },
        { name: 'area_id', label: 'Area ID', input: 'text', maxLength: CANNLYTICS_LIMITS.text },
        { name: 'area_name', label: 'Area', input: 'text', maxLength: CANNLYTICS_LIMITS.text },
        { name: 'calibrated_at', label: 'Calibrated on', input: 'date', help: 'Empty if never calibrated.' },
        { name: 'calibrated_by', label: 'Calibrated by', input: 'text', maxLength: CANNLYTICS_LIMITS.text },
        { name: 'initials', label: 'Initials', input: 'text', maxLength: CANNLYTICS_LIMITS.initials },
        { name: 'date', label: 'Date', input: 'datetime', help: 'When the instrument was registered.' },
        {
          name: 'data_path',
          label: 'Data path',
          input: 'text',
          maxLength: CANNLYTICS_LIMITS.dataPath,
          help: 'Folder the instrument writes its results to (read by the Cannlytics data collector).',
        },
        { name: 'updated_at', label: 'Last changed (server time)', input: 'text', readOnly: true },
        { name: 'updated_by', label: 'Last changed by (user id)', input: 'text', readOnly: true },
      ],
      quickActions: [
        { id: 'calibrate', label: 'Record calibration', fields: ['calibrated_at', 'calibrated_by', 'initials'], defaults: { calibrated_at: '$today' } },
      ],
      summarize: (f) => ({
        title: str(f.name),
        subtitle: str(f.instrument_type),
        vendor: str(f.vendor),
        // Labs that keep a serial number store it under their own key; otherwise the key identifies it.
        serial: str(f.serial_number) || str(f.instrument_id),
        notes: str(f.description),
      }),
    },
  ],
};
