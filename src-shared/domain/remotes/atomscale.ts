import { z } from 'zod';
import type { Fields } from '../record-kinds';
import { str, type SystemProfile } from './profile';

/**
 * Atomscale synthesis ("growth") instruments (docs/remotes/atomscale.md). The API can list, create and
 * delete them but has no update, so BenchSync shows every field read-only.
 *
 * A record holds the list object's fields, with `source_metadata` flattened. The create body
 * `{label, name, type, serial_id}` maps onto four of them: `label` is `source_name`, `type` is
 * `synth_source_type`, `serial_id` is `serial_identifier`, and `name` ("Manufacturer and model",
 * e.g. "Veeco GEN10") is `source_make`, which the server splits into `source_manufacturer` and
 * `source_model`; on pulled records `source_make` is those two joined again.
 */
export const SYNTH_SOURCE_TYPES = ['mbe', 'pvd', 'sputter', 'cvd', 'ald', 'pld'] as const;

/** Pydantic's `str` fields of the create body: 1..255 characters after stripping. */
export const ATOMSCALE_MAX_LENGTH = 255;

export const atomscaleInstrumentSchema: z.ZodType<Fields> = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  const out: Fields = { ...raw };
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const text = (name: string, required: string | null) => {
    const v = raw[name];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      issue(name, 'Enter text here.');
      return;
    }
    const value = str(v).trim();
    if (!value && required) issue(name, required);
    if (value.length > ATOMSCALE_MAX_LENGTH) issue(name, `At most ${ATOMSCALE_MAX_LENGTH} characters.`);
    out[name] = value || (required ? '' : null);
  };
  text('source_name', 'Enter a label, e.g. "Main MBE".');
  text('source_make', 'Enter the manufacturer and model, e.g. "Veeco GEN10".');
  text('serial_identifier', null);
  if (!(SYNTH_SOURCE_TYPES as readonly unknown[]).includes(raw.synth_source_type)) {
    issue('synth_source_type', `Choose one of ${SYNTH_SOURCE_TYPES.join(', ')}.`);
  }
  return out;
});

const TYPE_LABELS: Record<string, string> = {
  mbe: 'MBE (molecular beam epitaxy)',
  pvd: 'PVD (physical vapour deposition)',
  sputter: 'Sputtering',
  cvd: 'CVD (chemical vapour deposition)',
  ald: 'ALD (atomic layer deposition)',
  pld: 'PLD (pulsed laser deposition)',
};

export const atomscaleProfile: SystemProfile = {
  system: 'atomscale',
  label: 'Atomscale',
  defaultBaseUrl: 'https://api.atomscale.ai',
  settings: [],
  kinds: [
    {
      kind: 'instrument',
      label: 'Synthesis instrument',
      schema: atomscaleInstrumentSchema,
      canCreate: true,
      canUpdate: false,
      canDelete: true,
      fields: [
        { name: 'source_name', label: 'Label', input: 'text', required: true, maxLength: ATOMSCALE_MAX_LENGTH, help: 'Display name, e.g. "Main MBE".' },
        {
          name: 'source_make',
          label: 'Manufacturer and model',
          input: 'text',
          required: true,
          maxLength: ATOMSCALE_MAX_LENGTH,
          help: 'e.g. "Veeco GEN10". Atomscale splits it into manufacturer and model.',
        },
        { name: 'synth_source_type', label: 'Type', input: 'select', required: true, options: SYNTH_SOURCE_TYPES, optionLabels: TYPE_LABELS },
        { name: 'serial_identifier', label: 'Serial ID', input: 'text', maxLength: ATOMSCALE_MAX_LENGTH },
        { name: 'source_manufacturer', label: 'Manufacturer', input: 'text', readOnly: true },
        { name: 'source_model', label: 'Model', input: 'text', readOnly: true },
        { name: 'manufacture_year', label: 'Year of manufacture', input: 'number', readOnly: true },
        { name: 'inputs', label: 'Source inputs', input: 'number', readOnly: true },
        { name: 'detail_note_content', label: 'Detail note', input: 'textarea', readOnly: true },
        { name: 'detail_note_last_updated', label: 'Note updated', input: 'datetime', readOnly: true },
        { name: 'user_name', label: 'Owner', input: 'text', readOnly: true },
        { name: 'last_updated', label: 'Last updated', input: 'datetime', readOnly: true },
      ],
      summarize: (f) => ({
        title: str(f.source_name),
        subtitle: [str(f.synth_source_type).toUpperCase(), str(f.source_make)].filter(Boolean).join(' · '),
        vendor: str(f.source_manufacturer),
        serial: str(f.serial_identifier),
        notes: str(f.detail_note_content),
      }),
    },
  ],
};
