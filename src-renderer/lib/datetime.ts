/** `datetime` fields: stored in UTC as `YYYY-MM-DDThh:mm:ssZ`, edited and shown in local time. */

const pad = (n: number) => String(n).padStart(2, '0');

/** For `<input type="datetime-local" step="1">`: local `YYYY-MM-DDThh:mm:ss`, or '' for no/invalid value. */
export function isoToLocalInput(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The input's local time as UTC `YYYY-MM-DDThh:mm:ssZ`; null when empty. Unparseable text is passed on for the schema to refuse. */
export function localInputToIso(local: string): string | null {
  if (local.trim() === '') return null;
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return local;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatDateTime(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** For `<input type="date">`: `YYYY-MM-DD`, or '' (a stored 0, null or '' means "none"). */
export function toDateInput(value: unknown): string {
  if (typeof value !== 'string') return '';
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : value;
}

/** Today in local time as `YYYY-MM-DD` (quick actions' `$today`). */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
