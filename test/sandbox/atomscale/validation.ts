import { pythonJsonLoads } from '../cannlytics/python-json';
import { SYNTH_TYPES, type SynthType } from './store';

/**
 * FastAPI / Pydantic v2 validation, reproduced for the few shapes this API has. Errors are the
 * `{"detail": [{type, loc, msg, input, ctx?}]}` items FastAPI sends with status 422.
 */
export interface ValidationItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: ValidationItem[] };

/** What FastAPI makes of a request body before validation. */
export type BodyRead =
  | { kind: 'absent' }
  | { kind: 'value'; value: unknown }
  | { kind: 'error'; status: number; body: unknown };

/**
 * FastAPI reads the body before any dependency runs (so a malformed body is a 422 even without a
 * key). No Content-Type or an `application/json` / `application/*+json` one means JSON; any other
 * type hands the raw text to Pydantic, which then refuses it as "not a dictionary".
 */
export function readBody(raw: Buffer | undefined, contentType: string | undefined): BodyRead {
  if (raw === undefined || raw.length === 0) return { kind: 'absent' };
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = contentType === undefined || (mediaType.startsWith('application/') && /(^application\/json|\+json)$/.test(mediaType));
  let text: string;
  try {
    // json.loads(bytes) accepts and drops a UTF-8 BOM.
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    if (!isJson) return { kind: 'value', value: raw.toString('latin1') };
    // A UnicodeDecodeError is not a JSONDecodeError: FastAPI's catch-all answers 400.
    return { kind: 'error', status: 400, body: { detail: 'There was an error parsing the body' } };
  }
  if (!isJson) return { kind: 'value', value: text };
  const parsed = pythonJsonLoads(text);
  if (!parsed.ok) {
    const item: ValidationItem = {
      type: 'json_invalid',
      loc: ['body', parsed.pos],
      msg: 'JSON decode error',
      input: {},
      ctx: { error: parsed.msg },
    };
    return { kind: 'error', status: 422, body: { detail: [item] } };
  }
  // JSON `null` is a body of None, which FastAPI treats like no body at all.
  return parsed.value === null ? { kind: 'absent' } : { kind: 'value', value: parsed.value };
}

export interface CreateBody {
  label: string;
  name: string;
  type: SynthType;
  serial_id: string | null;
}

const MAX_LENGTH = 255;
const EXPECTED_TYPES = `${SYNTH_TYPES.slice(0, -1)
  .map((t) => `'${t}'`)
  .join(', ')} or '${SYNTH_TYPES.at(-1)}'`;

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The create model, as Pydantic would declare it: `label: str` and `name: str` (1..255 chars
 * after stripping blanks), `type: SynthType` (a str enum), `serial_id: str | None = None`.
 * Unknown keys are ignored (Pydantic's default). All errors are reported together, in field order.
 */
export function validateCreate(body: BodyRead & { kind: 'absent' | 'value' }): Checked<CreateBody> {
  if (body.kind === 'absent') return { ok: false, errors: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] };
  const data = body.value;
  if (!isDict(data)) {
    return {
      ok: false,
      errors: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: data,
        },
      ],
    };
  }
  const errors: ValidationItem[] = [];
  const str = (field: string, optional: boolean): string | null | undefined => {
    const loc = ['body', field];
    if (!Object.hasOwn(data, field)) {
      if (optional) return null;
      errors.push({ type: 'missing', loc, msg: 'Field required', input: data });
      return undefined;
    }
    const value = data[field];
    if (value === null && optional) return null;
    if (typeof value !== 'string') {
      errors.push({ type: 'string_type', loc, msg: 'Input should be a valid string', input: value });
      return undefined;
    }
    const stripped = value.trim();
    if (!optional && stripped.length < 1) {
      errors.push({ type: 'string_too_short', loc, msg: 'String should have at least 1 character', input: value, ctx: { min_length: 1 } });
      return undefined;
    }
    if (stripped.length > MAX_LENGTH) {
      errors.push({
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${MAX_LENGTH} characters`,
        input: value,
        ctx: { max_length: MAX_LENGTH },
      });
      return undefined;
    }
    return stripped;
  };
  const label = str('label', false);
  const name = str('name', false);
  let type: SynthType | undefined;
  if (!Object.hasOwn(data, 'type')) {
    errors.push({ type: 'missing', loc: ['body', 'type'], msg: 'Field required', input: data });
  } else if (!(SYNTH_TYPES as readonly unknown[]).includes(data.type)) {
    errors.push({
      type: 'enum',
      loc: ['body', 'type'],
      msg: `Input should be ${EXPECTED_TYPES}`,
      input: data.type,
      ctx: { expected: EXPECTED_TYPES },
    });
  } else {
    type = data.type as SynthType;
  }
  const serial = str('serial_id', true);
  if (errors.length > 0 || label == null || name == null || type === undefined || serial === undefined) {
    return { ok: false, errors };
  }
  return { ok: true, value: { label, name, type, serial_id: serial } };
}

/**
 * Pydantic's lax str -> int: optional blanks and sign, digits, and a fractional part of zeros
 * ("7.0" is 7). Anything else is `int_parsing`.
 */
export function parseIntInput(raw: string, loc: (string | number)[]): Checked<number> {
  const m = /^\s*([+-]?\d+)(?:\.0*)?\s*$/.exec(raw);
  if (!m) {
    return {
      ok: false,
      errors: [{ type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw }],
    };
  }
  return { ok: true, value: Number(m[1]) };
}

/**
 * `synthesis_instrument_ids: list[int] = Query(...)`, repeatable as FastAPI reads it, and also
 * comma-separated (`?synthesis_instrument_ids=1,2`) because clients build it both ways; the
 * error index counts the flattened values.
 */
export function parseIdList(params: URLSearchParams, name: string): Checked<number[]> {
  const raw = params.getAll(name);
  if (raw.length === 0) return { ok: false, errors: [{ type: 'missing', loc: ['query', name], msg: 'Field required', input: null }] };
  const pieces = raw.flatMap((v) => v.split(','));
  const ids: number[] = [];
  const errors: ValidationItem[] = [];
  pieces.forEach((piece, index) => {
    const n = parseIntInput(piece, ['query', name, index]);
    if (n.ok) ids.push(n.value);
    else errors.push(...n.errors);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: ids };
}
