import { z } from 'zod';

/**
 * Atomscale's wire format (docs/remotes/atomscale.md): bare JSON, no envelope; errors are FastAPI's
 * `{"detail": "..."}` or, for validation, `{"detail": [{loc, msg, ...}]}` with 422.
 * Only the ids are required: the rest is read as documented but tolerated when null or absent.
 */
const text = z.string().nullable().optional();
const int = z.number().int().nullable().optional();

export const atomscaleInstrument = z.object({
  id: z.number().int(),
  source_name: text,
  source_manufacturer: text,
  source_model: text,
  source_makes_id: int,
  synth_source_type: text,
  synth_source_id: z.number().int(),
  source_metadata: z
    .object({ manufacture_year: int, serial_identifier: text, inputs: int })
    .nullable()
    .optional(),
  detail_note_content: text,
  detail_note_last_updated: text,
  user_id: text,
  user_name: text,
  last_updated: text,
});
export type AtomscaleInstrument = z.infer<typeof atomscaleInstrument>;

export const atomscaleInstruments = z.array(atomscaleInstrument);

/** The SDK reads only `synth_source_id` from a create's reply; more is a bonus. */
export const atomscaleCreated = z.looseObject({ synth_source_id: z.number().int() });

export const fastapiError = z.object({
  detail: z.union([
    z.string(),
    z.array(z.looseObject({ loc: z.array(z.union([z.string(), z.number()])).optional(), msg: z.string() })),
  ]),
});

/** The create body, as the SDK's `create_growth_instrument` sends it. */
export interface AtomscaleCreateBody {
  label: string;
  name: string;
  type: string;
  serial_id: string | null;
}
