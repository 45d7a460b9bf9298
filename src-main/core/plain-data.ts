/**
 * What a request payload may be before its schema looks at it: JSON data and nothing else.
 *
 * The websocket delivers JSON, but Electron's IPC (structured clone) and in-process callers can
 * deliver NaN, Infinity, cycles, Dates, Maps, getters that throw and nesting deep enough to
 * overflow a recursive reader (zod, JSON.stringify, a validator). This check runs first, with
 * bounded recursion (it stops at `maxDepth`), and returns a fresh copy made of plain objects,
 * arrays, strings, finite numbers, booleans and null, or says where the payload goes wrong.
 */
export interface PlainDataLimits {
  /** Objects/arrays inside one another, counting the payload itself as 1. */
  maxDepth: number;
  /** Values in the whole payload (each object, array, string, number...). */
  maxValues: number;
  /** Characters in one string (the websocket's frame limit is 1 MiB). */
  maxStringLength: number;
  /** Characters in all strings and keys together. */
  maxTotalChars: number;
}

export const PLAIN_DATA_LIMITS: PlainDataLimits = {
  maxDepth: 32,
  maxValues: 100_000,
  maxStringLength: 1_048_576,
  maxTotalChars: 4 * 1_048_576,
};

export type PlainDataResult = { ok: true; value: unknown } | { ok: false; path: string; problem: string };

class Refused {
  constructor(
    readonly path: (string | number)[],
    readonly problem: string,
  ) {}
}

function pathText(path: (string | number)[]): string {
  return path.length === 0 ? 'payload' : path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

export function toPlainData(input: unknown, limits: PlainDataLimits = PLAIN_DATA_LIMITS): PlainDataResult {
  let values = 0;
  let chars = 0;
  const ancestors = new Set<object>();
  const path: (string | number)[] = [];

  const text = (s: string, what: string): string => {
    if (s.length > limits.maxStringLength) throw new Refused([...path], `${what} is longer than ${limits.maxStringLength.toLocaleString('en')} characters.`);
    chars += s.length;
    if (chars > limits.maxTotalChars) throw new Refused([...path], `the request holds more than ${limits.maxTotalChars.toLocaleString('en')} characters of text.`);
    return s;
  };

  const copy = (v: unknown, depth: number): unknown => {
    if (++values > limits.maxValues) throw new Refused([...path], `the request holds more than ${limits.maxValues.toLocaleString('en')} values.`);
    switch (typeof v) {
      case 'string':
        return text(v, 'the text');
      case 'boolean':
        return v;
      case 'number':
        if (!Number.isFinite(v)) throw new Refused([...path], `${String(v)} is not a number BenchSync can store; send a finite number.`);
        return Object.is(v, -0) ? 0 : v;
      case 'object':
        break;
      case 'undefined':
        throw new Refused([...path], 'an undefined value is not data; leave it out or send null.');
      default:
        throw new Refused([...path], `a ${typeof v} is not data.`);
    }
    if (v === null) return null;
    if (depth >= limits.maxDepth) throw new Refused([...path], `the value is nested deeper than ${limits.maxDepth} levels.`);
    if (ancestors.has(v)) throw new Refused([...path], 'the value contains itself (a circular reference).');
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        const out: unknown[] = [];
        for (let i = 0; i < v.length; i++) {
          path.push(i);
          if (!Object.hasOwn(v, i)) throw new Refused([...path], 'the list has a hole; send null there.');
          out.push(copy(v[i], depth + 1));
          path.pop();
        }
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
        throw new Refused([...path], `${typeof name === 'string' && name ? `a ${name}` : 'this object'} is not plain data; send strings, numbers, booleans, lists and objects.`);
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        path.push(key);
        text(key, 'the key');
        if (key === '__proto__') throw new Refused([...path], 'the key "__proto__" is not accepted.');
        const item = (v as Record<string, unknown>)[key];
        // What JSON does with an absent value: the key is left out.
        if (item !== undefined) out[key] = copy(item, depth + 1);
        path.pop();
      }
      return out;
    } finally {
      ancestors.delete(v);
    }
  };

  try {
    return { ok: true, value: copy(input, 0) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, path: pathText(error.path), problem: error.problem };
    // A getter or proxy that throws: what it says is not ours to repeat.
    return { ok: false, path: pathText(path), problem: 'the value could not be read.' };
  }
}
