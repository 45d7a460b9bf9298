import { z } from 'zod';
import type { Fields } from '../record-kinds';
import { str, type SystemProfile } from './profile';

/**
 * Instrument Catalog: mirrors the server's validation (`validation.py`, see docs/remotes/catalog.md)
 * so a technician sees the server's own messages while offline. The image URL's reachability,
 * type and size can only be checked by the server; offline we check its scheme and length.
 */
const collapse = (s: string) => s.trim().replace(/\s+/g, ' ');

export const CATALOG_LIMITS = { name: 128, description: 16384, image: 512, alternateName: 128, alternateNames: 10 } as const;

const rawInstrument = z.object({
  name: z.unknown().optional(),
  description: z.unknown().optional(),
  image: z.unknown().optional(),
  category_id: z.unknown().optional(),
  alternate_names: z.unknown().optional(),
});

export const catalogInstrumentSchema: z.ZodType<Fields> = rawInstrument
  .transform((raw, ctx) => {
    const out: Fields = {};
    const missing: string[] = [];
    const name = raw.name === undefined || raw.name === null ? '' : collapse(String(raw.name));
    const description = raw.description === undefined || raw.description === null ? '' : String(raw.description).trim();
    const categoryText = raw.category_id === undefined || raw.category_id === null ? '' : collapse(String(raw.category_id));
    if (!name) missing.push('name');
    if (!description) missing.push('description');
    if (!categoryText) missing.push('category_id');
    // The server's one message names every missing field; it belongs on each of them.
    for (const field of missing) ctx.addIssue({ code: 'custom', path: [field], message: `Required data is missing: ${missing.join(', ')}` });
    out.name = name;
    out.description = description;
    if (name.length > CATALOG_LIMITS.name) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: `Provided name is over the limit of ${CATALOG_LIMITS.name} characters.` });
    }
    if (description.length > CATALOG_LIMITS.description) {
      ctx.addIssue({
        code: 'custom',
        path: ['description'],
        message: `Provided description is over the limit of ${CATALOG_LIMITS.description} characters.`,
      });
    }
    if (categoryText) {
      const id = /^-?\d+$/.test(categoryText) ? Number(categoryText) : NaN;
      if (!Number.isSafeInteger(id)) {
        ctx.addIssue({ code: 'custom', path: ['category_id'], message: 'An invalid category ID was provided.' });
      }
      out.category_id = Number.isSafeInteger(id) ? id : categoryText;
    }
    const image = raw.image === undefined || raw.image === null ? '' : collapse(String(raw.image));
    out.image = image || null;
    if (image) {
      if (!image.startsWith('http')) {
        ctx.addIssue({ code: 'custom', path: ['image'], message: 'Image URL: URL must start with "http" or "https"' });
      }
      if (image.length > CATALOG_LIMITS.image) {
        ctx.addIssue({ code: 'custom', path: ['image'], message: `Provided image is over the limit of ${CATALOG_LIMITS.image} characters.` });
      }
    }
    let alternates: string[] = [];
    if (raw.alternate_names !== undefined && raw.alternate_names !== null) {
      if (!Array.isArray(raw.alternate_names)) {
        ctx.addIssue({ code: 'custom', path: ['alternate_names'], message: '`alternate_names` must be an array of strings.' });
      } else {
        alternates = raw.alternate_names.filter((a) => Boolean(a)).map((a) => collapse(String(a))).filter((a) => a !== '');
      }
    }
    out.alternate_names = alternates;
    for (const alt of alternates) {
      if (alt.length > CATALOG_LIMITS.alternateName) {
        ctx.addIssue({
          code: 'custom',
          path: ['alternate_names'],
          message: `Alternate name "${alt}" is over the limit of ${CATALOG_LIMITS.alternateName} characters.`,
        });
      }
    }
    if (name && alternates.includes(name)) {
      ctx.addIssue({ code: 'custom', path: ['alternate_names'], message: 'Alternate names must not include the primary name.' });
    }
    if (new Set(alternates).size !== alternates.length) {
      ctx.addIssue({ code: 'custom', path: ['alternate_names'], message: 'Alternate names must not duplicate other alternate names.' });
    }
    if (alternates.length > CATALOG_LIMITS.alternateNames) {
      ctx.addIssue({ code: 'custom', path: ['alternate_names'], message: 'You can not specify more than 10 alternate names.' });
    }
    return out;
  });

export const catalogProfile: SystemProfile = {
  system: 'catalog',
  label: 'Instrument Catalog',
  defaultBaseUrl: 'https://instrument-catalog-py.herokuapp.com/api',
  settings: [],
  kinds: [
    {
      kind: 'instrument',
      label: 'Instrument',
      schema: catalogInstrumentSchema,
      canCreate: true,
      canUpdate: true,
      canDelete: true,
      bulkFields: ['category_id'],
      fields: [
        { name: 'name', label: 'Name', input: 'text', required: true, maxLength: CATALOG_LIMITS.name },
        { name: 'category_id', label: 'Category', input: 'select', required: true, options: { source: 'categories', invalid: 'An invalid category ID was provided.' } },
        {
          name: 'description',
          label: 'Description',
          input: 'textarea',
          required: true,
          maxLength: CATALOG_LIMITS.description,
          markdown: true,
          help: 'Markdown. Model, vendor, location, calibration notes.',
        },
        {
          name: 'alternate_names',
          label: 'Alternate names',
          input: 'list',
          help: 'One per line; at most 10, none equal to the name or to each other.',
        },
        { name: 'image', label: 'Image URL', input: 'text', maxLength: CATALOG_LIMITS.image, help: 'http(s) link to a JPEG, PNG or GIF under 300 KB.' },
      ],
      summarize: (f) => ({
        title: str(f.name),
        subtitle: Array.isArray(f.alternate_names) ? f.alternate_names.map(str).join(', ') : '',
        vendor: '',
        serial: '',
        notes: str(f.description),
      }),
    },
  ],
};
