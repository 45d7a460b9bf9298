import type { z } from 'zod';
import type { Fields, RecordKind, SystemId } from '../record-kinds';

/**
 * What the app knows about one remote system without talking to it: its record kinds, how their
 * forms look, the schema that mirrors the server's validation (used by the form offline AND by the
 * connector before sending), and which columns of a record are searchable.
 */
export type FieldInput = 'text' | 'textarea' | 'number' | 'select' | 'list' | 'date' | 'json' | 'checkbox';

export interface FieldSpec {
  name: string;
  label: string;
  input: FieldInput;
  required?: boolean;
  maxLength?: number;
  help?: string;
  /** Static choices, or a named source of choices pulled from the remote (e.g. its categories). */
  options?: readonly string[] | { source: string };
  /** Shown but never editable (server-assigned). */
  readOnly?: boolean;
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
   * Proposes a remote id for a new record where the client chooses it (e.g. Cannlytics'
   * `instrument_id` from the name); the form shows it editable.
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
