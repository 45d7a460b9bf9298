import { z } from 'zod';

/** The Instrument Catalog's wire format (docs/remotes/catalog.md): every reply is `{successful, errors, data}`. */
export const catalogEnvelope = z.object({
  successful: z.boolean(),
  errors: z.array(z.string()),
  data: z.unknown(),
});

export const catalogCategory = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
});

export const catalogInstrument = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  image: z.string().nullable(),
  category_id: z.number().int(),
  alternate_names: z.array(z.string()),
});
export type CatalogInstrument = z.infer<typeof catalogInstrument>;

export const catalogDeleted = z.object({ deleted_instrument_id: z.number().int() });
