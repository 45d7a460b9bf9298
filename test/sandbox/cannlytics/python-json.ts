/**
 * JSON decoding with Python's `json` module semantics and error texts. Both emulated services
 * are Python (DRF for Cannlytics, FastAPI for Atomscale) and both quote the decoder's message
 * and position in their 400/422 replies, so a client that logs those sees the real wording.
 *
 * Fast path: `JSON.parse`. Only when it fails (or the text uses Python's NaN/Infinity
 * extensions) does the small scanner below run, mirroring CPython's C scanner (pre-3.13 texts).
 */

export type PythonJsonResult =
  | { ok: true; value: unknown; usedConstant: string | undefined }
  | { ok: false; msg: string; pos: number; lineno: number; colno: number; text: string };

/** `str(JSONDecodeError)`: "Expecting value: line 1 column 1 (char 0)". */
export function describeJsonError(e: { msg: string; pos: number; lineno: number; colno: number }): string {
  return `${e.msg}: line ${e.lineno} column ${e.colno} (char ${e.pos})`;
}

class DecodeError {
  constructor(
    readonly msg: string,
    readonly pos: number,
  ) {}
}

const WS = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

export function pythonJsonLoads(text: string): PythonJsonResult {
  try {
    return { ok: true, value: JSON.parse(text), usedConstant: undefined };
  } catch {
    // fall through to the scanner for Python's exact message and position
  }
  let constant: string | undefined;
  const fail = (msg: string, pos: number): PythonJsonResult => {
    const before = text.slice(0, pos);
    const lineno = before.split('\n').length;
    const colno = pos - before.lastIndexOf('\n');
    return { ok: false, msg, pos, lineno, colno, text };
  };
  if (text.startsWith('\ufeff')) return fail('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);

  const skip = (i: number) => {
    while (i < text.length && WS.has(text[i]!)) i++;
    return i;
  };

  // Returns [value, next index]; throws StopIteration-like `DecodeError('Expecting value')` as Python does.
  const scan = (i: number): [unknown, number] => {
    if (i >= text.length) throw new DecodeError('Expecting value', i);
    const c = text[i]!;
    if (c === '"') return scanString(i + 1);
    if (c === '{') return scanObject(i + 1);
    if (c === '[') return scanArray(i + 1);
    for (const [word, value] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (text.startsWith(word, i)) {
        if (typeof value === 'number') constant ??= word;
        return [value, i + word.length];
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) throw new DecodeError('Expecting value', i);
    return [Number(m[0]), i + m[0].length];
  };

  const scanString = (end: number): [string, number] => {
    const begin = end - 1;
    let out = '';
    for (;;) {
      let next = end;
      let c = '';
      for (; next < text.length; next++) {
        c = text[next]!;
        if (c === '"' || c === '\\') break;
        if (c.charCodeAt(0) <= 0x1f) throw new DecodeError('Invalid control character at', next);
      }
      if (next >= text.length) throw new DecodeError('Unterminated string starting at', begin);
      out += text.slice(end, next);
      if (c === '"') return [out, next + 1];
      next++;
      if (next >= text.length) throw new DecodeError('Unterminated string starting at', begin);
      const esc = text[next]!;
      if (esc !== 'u') {
        const ch = ESCAPES[esc];
        if (ch === undefined) throw new DecodeError('Invalid \\escape', next - 1);
        out += ch;
        end = next + 1;
        continue;
      }
      const hex = text.slice(next + 1, next + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new DecodeError('Invalid \\uXXXX escape', next - 1);
      out += String.fromCharCode(parseInt(hex, 16));
      end = next + 5;
    }
  };

  const scanObject = (i: number): [Record<string, unknown>, number] => {
    const obj: Record<string, unknown> = {};
    i = skip(i);
    if (text[i] === '}') return [obj, i + 1];
    for (;;) {
      if (text[i] !== '"') throw new DecodeError('Expecting property name enclosed in double quotes', i);
      const [key, afterKey] = scanString(i + 1);
      i = skip(afterKey);
      if (text[i] !== ':') throw new DecodeError("Expecting ':' delimiter", i);
      const [value, afterValue] = scan(skip(i + 1));
      obj[key] = value;
      i = skip(afterValue);
      if (text[i] === '}') return [obj, i + 1];
      if (text[i] !== ',') throw new DecodeError("Expecting ',' delimiter", i);
      i = skip(i + 1);
    }
  };

  const scanArray = (i: number): [unknown[], number] => {
    const arr: unknown[] = [];
    i = skip(i);
    if (text[i] === ']') return [arr, i + 1];
    for (;;) {
      const [value, after] = scan(i);
      arr.push(value);
      i = skip(after);
      if (text[i] === ']') return [arr, i + 1];
      if (text[i] !== ',') throw new DecodeError("Expecting ',' delimiter", i);
      i = skip(i + 1);
    }
  };

  try {
    const [value, end] = scan(skip(0));
    const rest = skip(end);
    if (rest !== text.length) return fail('Extra data', rest);
    return { ok: true, value, usedConstant: constant };
  } catch (error) {
    if (error instanceof DecodeError) return fail(error.msg, error.pos);
    // Deeply nested input overflows the JS stack; Python raises RecursionError, also a failure.
    return fail('Expecting value', 0);
  }
}

/** Decodes request bytes as strict UTF-8; `undefined` when they are not valid UTF-8. */
export function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Python's `str(UnicodeDecodeError)` for bytes that are not UTF-8, e.g.
 * "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte".
 */
export function utf8ErrorText(bytes: Uint8Array): string {
  const at = (i: number, reason: string) =>
    `'utf-8' codec can't decode byte 0x${bytes[i]!.toString(16).padStart(2, '0')} in position ${i}: ${reason}`;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return at(i, 'invalid start byte');
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return at(i, 'unexpected end of data');
      if ((bytes[i + k]! & 0xc0) !== 0x80) return at(i, 'invalid continuation byte');
    }
    i += need + 1;
  }
  return "'utf-8' codec can't decode bytes: invalid data";
}
