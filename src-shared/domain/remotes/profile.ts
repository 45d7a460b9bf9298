import type { z } from 'zod';
import type { Fields, RecordKind, SystemId } from '../record-kinds';

/**
 * What the app knows about one remote system without talking to it: its record kinds, how their
 * forms look, the schema that mirrors the server's validation (used by the form offline AND by the
 * connector before sending), and which columns of a record are searchable.
 */
export type FieldInput = 'text' | 'textarea' | 'number' | 'select' | 'list' | 'date' | 'datetime' | 'json' | 'checkbox' | 'coordinates' | 'details';

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

/** One key of a `details` object whose shape the record's type fixes. */
export interface DetailKeySpec {
  /** Key in the value object, exactly as the server names it (e.g. `productId`, `product_id`). */
  key: string;
  label: string;
  /**
   * `text`: a string. `number`: any number. `integer`: a whole number. `boolean`: true or false.
   * Numbers are written as JSON numbers, never as strings.
   */
  kind: 'text' | 'number' | 'integer' | 'boolean';
  /** Shown after a number input as a fixed suffix (e.g. 'µm'); never written into the value. */
  unit?: string;
  help?: string;
}

/**
 * For `input: 'details'`: a JSON object whose keys depend on another field of the record (the
 * type). The value is always an object (`{}` when empty, never null). Drawing it:
 * - Type (the value of `typeField`, from the form's values, else the record's) listed in `byType`:
 *   one row per key of `byType[type]`, in order. `text`: a text input; `number`/`integer`: a
 *   number input (integer: step 1) with `unit` as a suffix; `boolean`: a select of
 *   (blank, Yes, No) writing true/false. A row left blank leaves its key out of the value.
 *   Keys the value holds that the type does not list are kept: show them under the rows in one
 *   JSON text box holding an object of just those keys (`{}` if none); the value written is that
 *   object plus the rows' keys. Such keys are never dropped silently.
 * - Any other type, or none chosen yet: one JSON text box for the whole object, as `input: 'json'`.
 * - When the type changes, nothing is dropped: keys the new type does not list move to the JSON box.
 * - Values the server sent with another JSON type than the row's kind (e.g. a number as text)
 *   stay in the JSON box rather than being coerced.
 */
export interface DetailsSpec {
  /** The field whose value picks the keys, e.g. `type`. */
  typeField: string;
  /** Type -> its keys, in display order. Types not listed are edited as raw JSON. */
  byType: Readonly<Record<string, readonly DetailKeySpec[]>>;
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
  /** For `input: 'details'`. */
  details?: DetailsSpec;
  /** Shown but never editable (server-assigned). */
  readOnly?: boolean;
  /** The remote stores the text as Markdown: the detail draws it formatted (safely), the form edits the source. */
  markdown?: boolean;
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
   * Fields a technician sets on many records at once (where they are, their setup, when they were
   * calibrated): offered by the records list's bulk edit, in this order. Each is one of `fields`,
   * neither read-only nor create-only.
   */
  bulkFields?: readonly string[];
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
  /**
   * Fields whose value must be unique among the connection's records of this kind (e.g.
   * BrainSTEM's consumable `name`), with the server's message for a taken value. Main checks it
   * offline on create and when the value changes; a rejected Add that was never resubmitted
   * holds no value on the server and does not count.
   */
  uniqueFields?: Readonly<Record<string, string>>;
  /**
   * Deleting needs this connection setting (a checkbox of the system's `settings`) to be ticked,
   * e.g. BrainSTEM's `reviewer`: only administrators may delete consumables. Main refuses a
   * delete otherwise (code 'read_only'); the renderer hides Delete unless the setting is 'yes'.
   * `canDelete` stays true.
   */
  deleteRequiresSetting?: string;
  /**
   * A pick-list field whose choice decides whether this account may write the record (BrainSTEM
   * equipment: `setup`, members read, contributors write). A choice the server refused a write
   * through makes its records read-only and is not offered for new writes (`refusedScopeOf` in
   * src-shared/domain/record-state.ts).
   */
  writeScopeField?: string;
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
