import { z } from 'zod';

/**
 * BrainSTEM's wire format (docs/remotes/brainstem.md): Django REST Framework + dynamic-rest. Replies
 * wrap records in a model-named key; lists add `count`/`next`/`previous` and a `meta` object.
 * Schemas accept what the published docs show and no more than the connector relies on.
 */

const pagingFields = {
  count: z.number().int().nonnegative().optional(),
  next: z.string().nullable().optional(),
  meta: z.object({ total_results: z.number().int().nonnegative().optional() }).passthrough().optional(),
};

export interface ListPage<T> {
  items: T[];
  /** The total the server reports for the whole list, when it does. */
  count: number | null;
  /** The next page's URL, null on the last page, undefined when the server does not say. */
  next: string | null | undefined;
}

/** A list page `{<key>: [...], count, next, previous, meta}`. Paging fields vary by server era, so each is optional. */
export function listPage<T>(key: string, item: z.ZodType<T>): z.ZodType<ListPage<T>> {
  return z.object({ ...pagingFields, [key]: z.array(item) }).transform((p) => ({
    items: (p as Record<string, unknown>)[key] as T[],
    count: p.count ?? p.meta?.total_results ?? null,
    next: p.next,
  }));
}

const uuidText = z.string().min(1);
const jsonObject = z.record(z.string(), z.unknown());

export const wireEquipment = z.object({
  id: uuidText,
  name: z.string().nullable(),
  type: z.string(),
  notes: z.string().nullable(),
  setup: uuidText,
  date_time: z.string().nullable(),
  consumable: uuidText.nullable(),
  hardwaredevice: uuidText.nullable(),
  details: jsonObject,
  coordinates_system: z.string(),
  coordinates_details: jsonObject,
  // Added to the API in Feb 2026; absent from older servers.
  type_schema_version: z.string().optional(),
  coordinates_schema_version: z.string().optional(),
});
export type WireEquipment = z.infer<typeof wireEquipment>;

export const wireSetup = z.object({
  id: uuidText,
  name: z.string(),
  location: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
});
export type WireSetup = z.infer<typeof wireSetup>;

/**
 * A consumable as list and detail replies carry it (docs/remotes/brainstem.md). The docs' add/change replies omit
 * `rrid`, `rrid_url` and `external_identifiers`, and `comments` "can be omitted when empty", so
 * everything but the identity and the required fields is optional.
 */
export const wireConsumable = z.object({
  id: uuidText,
  name: z.string(),
  description: z.string().nullable().optional(),
  supplier: uuidText.nullable().optional(),
  type: z.string(),
  rrid: z.string().nullable().optional(),
  rrid_url: z.string().nullable().optional(),
  external_identifiers: z.unknown().optional(),
  details: z.unknown().optional(),
  comments: z.string().nullable().optional(),
});
export type WireConsumable = z.infer<typeof wireConsumable>;

/**
 * A consumable approval: the proposed fields plus the workflow columns. `status` is kept as text:
 * the site's tutorial shows a "Revision Requested" state the API docs never list.
 */
export const wireConsumableApproval = wireConsumable.extend({
  instance_id: uuidText.nullable().optional(),
  action: z.enum(['Add', 'Change']),
  status: z.string(),
  reviewer: z.number().int().nullable().optional(),
});
export type WireConsumableApproval = z.infer<typeof wireConsumableApproval>;

/** A live (approved) supplier, for the consumable form's picker. */
export const wireSupplier = z.object({
  id: uuidText,
  name: z.string(),
  description: z.string().nullable().optional(),
  website: z.string().nullable().optional(),
});
export type WireSupplier = z.infer<typeof wireSupplier>;

/** DRF's error bodies: `{"detail": "..."}`, or field -> messages (nested serializers nest further). */
export const drfError = z.record(z.string(), z.unknown());
