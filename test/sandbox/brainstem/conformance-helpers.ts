/** Small fetch helpers for the BrainSTEM conformance tests (real HTTP against the emulator). */
import type { RunningEmulator } from '../common/emulator-server';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export type Who = 'member' | 'admin' | 'other' | 'anonymous';

export function client(emu: RunningEmulator) {
  async function call(
    method: string,
    path: string,
    opts: { as?: Who; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    const who = opts.as ?? 'member';
    if (who !== 'anonymous') headers.Authorization = `Bearer ${emu.users[who]}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
    const res = await fetch(path.startsWith('http') ? path : `${emu.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }
  return {
    call,
    get: (path: string, as: Who = 'member') => call('GET', path, { as }),
    post: (path: string, body: unknown, as: Who = 'member') => call('POST', path, { as, body }),
    patch: (path: string, body: unknown, as: Who = 'member') => call('PATCH', path, { as, body }),
    put: (path: string, body: unknown, as: Who = 'member') => call('PUT', path, { as, body }),
    del: (path: string, as: Who = 'member') => call('DELETE', path, { as }),
  };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The JSON type of a value, with null distinct, for "same shape as documented" checks. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
