import type { z } from 'zod';
import type { Fields } from './record-kinds';

/** Field -> messages, the shape both forms and the remote's 400s are shown in. */
export type FieldErrors = Record<string, string[]>;

export type Validated = { ok: true; fields: Fields } | { ok: false; errors: FieldErrors };

export function validateWith(schema: z.ZodType<Fields>, input: Fields): Validated {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, fields: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : '_';
    (errors[field] ??= []).push(issue.message);
  }
  return { ok: false, errors };
}
