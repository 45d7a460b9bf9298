/** The three kinds of record a technician works with, whatever system holds them. */
export const RECORD_KINDS = ['instrument', 'equipment', 'consumable'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** The remote systems BenchSync can connect to. One BrainSTEM connection serves equipment and consumables. */
export const SYSTEMS = ['catalog', 'cannlytics', 'brainstem', 'atomscale'] as const;
export type SystemId = (typeof SYSTEMS)[number];

/**
 * What the user sees on a record: derived from its outbox entries and the last pull.
 * `awaiting_approval` is for systems where a change must be accepted by an admin first.
 */
export const RECORD_STATUSES = ['synced', 'pending', 'rejected', 'conflict', 'awaiting_approval'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** A record's native fields, as the remote system names them. */
export type Fields = Record<string, unknown>;
