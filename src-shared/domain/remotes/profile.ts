import type { z } from 'zod';
import type { Fields, RecordKind, SystemId } from '../record-kinds';

/**
 * What the app knows about one remote system without talking to it: its record kinds, how their
 * forms look, the schema that mirrors the server's validation (used by the form offline AND by the
 * connector before sending), and which columns of a record are searchable.
 */
export type FieldInput = 'text' | 'textarea' | 'number' | 'select' | 'list' | 'date' | 'datetime' | 'json' | 'checkbox' | 'coordinates';

/**
 * A list of choices pulled from the remote (e.g. the catalog's categories, BrainSTEM's setups),
 * mirrored per connection under `source`. The value stored is the item's remote id; the form
 * shows its name (`categories.list` with that `source`).
 */
export interface PickListOptions {
  source: string;
  /** The server's message for a value that is not in the list; `{value}` is replaced by the value. */
  invalid?: string;
}

/** One axis of a `coordinates` input. */
export interface CoordinateAxisSpec {
  /** Key in the value object, e.g. `x`, `apCoordinate`, `rotation`. */
  key: string;
  label: string;
  kind: 'length' | 'angle';
  /** The unit a plain number is in; preselected when a value is given with a unit. */
  defaultUnit: string;
  /** Inclusive bounds of the number (whatever the unit); absent means unbounded. */
  min?: number;
  max?: number;
}

/**
 * For `input: 'coordinates'`: the value is an object whose allowed keys depend on another field
 * of the record (the coordinate system). Drawing it: one row per axis of
 * `axes[value of systemField]`, in order: a number input, and the unit (from `units[axis.kind]`).
 * - No axis is required: an empty input leaves its key out (never null or '').
 * - Each present key holds either a plain number, meaning `defaultUnit`, or `{value, unit}`.
 *   Keep the shape the record already has: if any entry is `{value, unit}`, write every axis that
 *   way (unit selectable); otherwise write plain numbers and show `defaultUnit` as a fixed suffix.
 * - `min`/`max` bound the number itself (angles: -180…360).
 * - When the system changes, keys the new system does not have must go (the server refuses them).
 * - With no system chosen yet, show nothing but a hint to choose one.
 */
export interface CoordinatesSpec {
  /** The field whose value picks the axes, e.g. `coordinates_system`. */
  systemField: string;
  /** System -> its axes, in display order. */
  axes: Readonly<Record<string, readonly CoordinateAxisSpec[]>>;
  /** Units a `{value, unit}` entry may carry, by axis kind. */
  units: Readonly<Record<CoordinateAxisSpec['kind'], readonly string[]>>;
}

export interface FieldSpec {
  name: string;
  label: string;
  /**
   * How the form draws it. `datetime`: an ISO 8601 date and time, or null when empty (shown in
   * local time, stored in UTC as `YYYY-MM-DDThh:mm:ssZ`). `coordinates`: see `CoordinatesSpec`.
   */
  input: FieldInput;
  required?: boolean;
  maxLength?: number;
  help?: string;
  /** Static choices, or a named source of choices pulled from the remote (e.g. its categories). */
  options?: readonly string[] | PickListOptions;
  /** Labels for static choices shown to the user, where they differ from the stored value. */
  optionLabels?: Readonly<Record<string, string>>;
  /** For `input: 'coordinates'`. */
  coordinates?: CoordinatesSpec;
  /** Shown but never editable (server-assigned). */
  readOnly?: boolean;
  /**
   * Editable in the create form only, fixed once the record exists remotely (e.g. a client-chosen
   * key). Main refuses a change after the create has left the machine.
   */
  createOnly?: boolean;
}

/** The pick list a field's choices come from, if any. */
export function pickListOf(spec: FieldSpec): PickListOptions | null {
  return spec.options && !Array.isArray(spec.options) ? (spec.options as PickListOptions) : null;
}

/** The columns BenchSync indexes for search and shows in lists. */
export interface RecordSummary {
  title: string;
  subtitle: string;
  vendor: string;
  serial: string;
  notes: string;
}

/**
 * A one-step edit a technician does daily (e.g. "Record calibration"): a small form over a few
 * fields, prefilled by `defaults` (today's date etc.), saved as an ordinary update.
 */
export interface QuickAction {
  id: string;
  label: string;
  fields: readonly string[];
  /** Values to prefill; the special value '$today' is today's date (YYYY-MM-DD). */
  defaults?: Readonly<Record<string, string>>;
}

export interface KindProfile {
  kind: RecordKind;
  label: string;
  fields: readonly FieldSpec[];
  /** Validates and normalises a whole record the way the server would. */
  schema: z.ZodType<Fields>;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  summarize(fields: Fields): RecordSummary;
  quickActions?: readonly QuickAction[];
  /**
   * Where the client chooses the remote id (e.g. Cannlytics' `instrument_id`): the field holding
   * it. Main keeps it unique among the connection's records of this kind, and the connector
   * reports it back as the remote id once the create is acknowledged. Its spec is `createOnly`.
   */
  remoteKeyField?: string;
  /**
   * Proposes a value for `remoteKeyField` from the other fields (e.g. from the name); the create
   * form shows it editable, and main uses it when a create leaves the key blank.
   */
  proposeRemoteKey?(fields: Fields): string;
}

export interface ConnectionSettingSpec {
  name: string;
  label: string;
  required: boolean;
  /** 'checkbox' settings are stored as 'yes' or ''. */
  input?: 'text' | 'checkbox';
  help?: string;
}

export interface SystemProfile {
  system: SystemId;
  label: string;
  /** Shown on the connection form: where the base URL points by default. */
  defaultBaseUrl: string;
  settings: readonly ConnectionSettingSpec[];
  kinds: readonly KindProfile[];
}

export function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}
