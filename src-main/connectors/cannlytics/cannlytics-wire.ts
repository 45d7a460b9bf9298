import { z } from 'zod';

/**
 * Cannlytics LIMS wire format (docs/remotes/cannlytics.md): success is `{success: true, data}`; failures
 * carry a `message` (2021: `{error: true, message}`, 2022+: `{success: false, data: null,
 * message}`), except framework errors, which are DRF's `{detail}` or Django's HTML pages.
 */
export const cannlyticsSuccess = z.object({ success: z.literal(true), data: z.unknown() });

export const cannlyticsFailure = z.union([z.object({ message: z.string() }), z.object({ detail: z.string() })]);

/** A stored document as reads return it: its fields plus `id` (the document id = instrument_id). */
export const cannlyticsDocument = z.record(z.string(), z.unknown());
export type CannlyticsDocument = z.infer<typeof cannlyticsDocument>;

export const cannlyticsDocuments = z.array(cannlyticsDocument);

/** DELETE answers `data: []`. */
export const cannlyticsDeleted = z.array(z.unknown());
