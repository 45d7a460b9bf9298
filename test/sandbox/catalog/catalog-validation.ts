import type { ImageCheck } from './catalog-images';
import type { InstrumentFields, InstrumentRecord } from './catalog-store';

/**
 * `get_validated_instrument_data` of the real service (validation.py), following the API doc where
 * the code is broken (docs/remotes/catalog.md): every failure adds one message, all are collected,
 * `image` may be null or absent, PUT validates the merged result, and forbidden keys are refused.
 */

export const ALLOWED_KEYS = ['name', 'description', 'image', 'category_id', 'alternate_names'] as const;
const REQUIRED_KEYS = ['name', 'description', 'category_id'] as const;

/** Column lengths from models.py. */
export const LIMITS = { name: 128, description: 16384, image: 512, alternateName: 128, alternateNames: 10 } as const;

export const MESSAGES = {
  required: (keys: readonly string[]) => `Required data is missing: ${keys.join(', ')}`,
  tooLong: (field: string, limit: number) => `Provided ${field} is over the limit of ${limit} characters.`,
  alternateNamesType: '`alternate_names` must be an array of strings.',
  alternateNameTooLong: (name: string) =>
    `Alternate name "${name}" is over the limit of ${LIMITS.alternateName} characters.`,
  alternateIsPrimary: 'Alternate names must not include the primary name.',
  alternateDuplicates: 'Alternate names must not duplicate other alternate names.',
  alternateTooMany: `You can not specify more than ${LIMITS.alternateNames} alternate names.`,
  invalidCategory: 'An invalid category ID was provided.',
  /** The doc forbids these keys but the real code has no message for them; this one is the emulator's. */
  forbidden: (keys: readonly string[]) => `Forbidden parameters were provided: ${keys.join(', ')}.`,
} as const;

// Python's str.isspace() / re `\s` set, which differs from JS trim() (\x1c-\x1f, \x85 yes; \ufeff no).
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const OUTER_WS = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g');
const INNER_WS = new RegExp(`[${PY_WS}]+`, 'g');

/** `s.strip()`: description keeps its inner whitespace so markdown line breaks survive. */
export function pyStrip(s: string): string {
  return s.replace(OUTER_WS, '');
}

/** `re.sub(r'\s+', ' ', s.strip())`. */
export function collapseSpaces(s: string): string {
  return pyStrip(s).replace(INNER_WS, ' ');
}

/** Python `str(value)` for a JSON value, since the real code `str()`s every field before checking it. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      .replaceAll(quote, `\\${quote}`);
    return `${quote}${escaped}${quote}`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Python truthiness of a JSON value (`if name` drops these alternate names). */
function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Python `int(s)` on an already stripped string: sign, ASCII digits, single underscores between digits. */
function pyInt(s: string): number | undefined {
  return /^[+-]?\d+(?:_\d+)*$/.test(s) ? Number(s.replace(/_/g, '')) : undefined;
}

/** Length in code points, as Python's len() counts. */
const pyLen = (s: string) => [...s].length;

export interface ValidationContext {
  mode: 'create' | 'update';
  /** The instrument a PUT modifies. */
  existing?: InstrumentRecord;
  categoryExists(id: number): boolean;
  checkImage(url: string): Promise<ImageCheck>;
}

export interface ValidationResult {
  errors: string[];
  /** The normalized echo of the input: the `data` of a 400 (keys sorted, only those provided). */
  echo: Record<string, unknown>;
  /** What to write when `errors` is empty. */
  fields: Partial<InstrumentFields>;
}

export async function validateInstrumentInput(
  body: Record<string, unknown>,
  ctx: ValidationContext,
): Promise<ValidationResult> {
  const errors: string[] = [];
  const has = (key: string) => Object.hasOwn(body, key);

  const forbidden = Object.keys(body).filter((k) => !(ALLOWED_KEYS as readonly string[]).includes(k));
  if (forbidden.length > 0) errors.push(MESSAGES.forbidden(forbidden));

  // === Normalize (only the keys that were sent, as the real code does) ===
  const name = has('name') ? collapseSpaces(pyStr(body.name)) : undefined;
  const description = has('description') ? pyStrip(pyStr(body.description)) : undefined;
  const categoryText = has('category_id') ? collapseSpaces(pyStr(body.category_id)) : undefined;
  // Per the doc `image` may be null (the code would str() it to "None" and fail).
  const image = has('image') ? (body.image === null ? null : collapseSpaces(pyStr(body.image))) : undefined;
  let alternateNames: string[] | undefined;
  let alternateNamesInvalid = false;
  if (has('alternate_names')) {
    if (Array.isArray(body.alternate_names)) {
      // Falsy items are dropped, and so are names that are blank once trimmed.
      alternateNames = body.alternate_names
        .filter(pyTruthy)
        .map((n) => collapseSpaces(pyStr(n)))
        .filter((n) => n !== '');
    } else {
      alternateNamesInvalid = true;
    }
  }

  // === Required fields: all of them on POST; on PUT only the ones sent blank ===
  const values: Record<(typeof REQUIRED_KEYS)[number], string | undefined> = {
    name,
    description,
    category_id: categoryText,
  };
  const missing = REQUIRED_KEYS.filter((k) =>
    ctx.mode === 'create' ? !values[k] : values[k] !== undefined && values[k] === '',
  );
  if (missing.length > 0) errors.push(MESSAGES.required(missing));

  // === Lengths ===
  if (name !== undefined && pyLen(name) > LIMITS.name) errors.push(MESSAGES.tooLong('name', LIMITS.name));
  if (description !== undefined && pyLen(description) > LIMITS.description) {
    errors.push(MESSAGES.tooLong('description', LIMITS.description));
  }
  if (typeof image === 'string' && pyLen(image) > LIMITS.image) errors.push(MESSAGES.tooLong('image', LIMITS.image));

  // === Alternate names ===
  if (alternateNamesInvalid) errors.push(MESSAGES.alternateNamesType);
  if (alternateNames) {
    for (const n of alternateNames) if (pyLen(n) > LIMITS.alternateName) errors.push(MESSAGES.alternateNameTooLong(n));
  }
  // The primary-name rule holds for the instrument as it would be after the write, so a PUT that
  // renames to one of the existing alternate names is refused as well.
  if (name || alternateNames) {
    const finalName = name || ctx.existing?.name;
    const finalAlternates = alternateNames ?? ctx.existing?.alternateNames ?? [];
    if (finalName && finalAlternates.includes(finalName)) errors.push(MESSAGES.alternateIsPrimary);
  }
  if (alternateNames) {
    if (new Set(alternateNames).size < alternateNames.length) errors.push(MESSAGES.alternateDuplicates);
    if (alternateNames.length > LIMITS.alternateNames) errors.push(MESSAGES.alternateTooMany);
  }

  // === Category ===
  let categoryId: number | undefined;
  if (categoryText) {
    categoryId = pyInt(categoryText);
    if (categoryId === undefined || !ctx.categoryExists(categoryId)) errors.push(MESSAGES.invalidCategory);
  }

  // === Image (last: it is the slow check) ===
  let finalImage = image;
  if (typeof image === 'string') {
    const check = await ctx.checkImage(image);
    finalImage = check.url;
    if (check.error) errors.push(check.error);
  }

  const echo: Record<string, unknown> = {};
  if (alternateNames) echo.alternate_names = alternateNames;
  if (categoryText !== undefined) echo.category_id = categoryId ?? categoryText;
  if (description !== undefined) echo.description = description;
  if (finalImage !== undefined) echo.image = finalImage;
  if (name !== undefined) echo.name = name;

  const fields: Partial<InstrumentFields> = {};
  if (name !== undefined) fields.name = name;
  if (description !== undefined) fields.description = description;
  if (finalImage !== undefined) fields.image = finalImage;
  if (categoryId !== undefined) fields.categoryId = categoryId;
  if (alternateNames) fields.alternateNames = alternateNames;
  return { errors, echo, fields };
}
