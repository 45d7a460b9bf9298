import type { z } from 'zod';
import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { ConnectorContext, PullSink, RemoteRecord } from '../connector';
import { type HttpRequest, type RemoteHttp, retryAfterMs } from '../http';
import { RemoteAuthFailed, RemoteProtocolError, RemoteRateLimited, RemoteRejected, RemoteUnavailable, serverError } from '../remote-errors';
import { drfError, type ListPage, listPage } from './brainstem-wire';

/**
 * Status and error-body mapping for BrainSTEM's DRF API, and paging through its lists. 5xx bodies
 * are often HTML (Django's or nginx's error pages), so nothing assumes JSON there.
 */
export const PRIVATE_API = '/api/private';
/** The most dynamic-rest serves per page. */
export const PAGE_LIMIT = 100;
/** Writes (and the lookups that guard them) go ahead of pulls at the limiter. */
export const PUSH_PRIORITY = 10;

function describe(req: HttpRequest): string {
  return `${req.method} ${req.path}`;
}

/** Sends one request; returns the parsed body of a 2xx (undefined for an expected empty one), or throws a classified error. */
export async function brainstemCall<T>(http: RemoteHttp, req: HttpRequest, body: z.ZodType<T> | null): Promise<T> {
  const res = await http.request(req);
  if (res.status >= 500) throw serverError('BrainSTEM', res);
  const error = drfError.safeParse(res.json);
  const detail = error.success && typeof error.data.detail === 'string' ? error.data.detail : '';
  if (res.status === 429) {
    throw new RemoteRateLimited(retryAfterMs(res.headers), `BrainSTEM asked us to slow down: ${detail || 'HTTP 429'}.`);
  }
  if (res.status === 401) {
    throw new RemoteAuthFailed(401, `BrainSTEM rejected the API token (key rejected: ${detail || 'HTTP 401'}). Create a new Personal Access Token and enter it in this connection's settings.`);
  }
  if (res.status === 400 && error.success && !detail) {
    const fieldErrors = drfFieldErrors(error.data);
    const messages = Object.entries(fieldErrors).map(([field, list]) => (field === '_' ? list.join(' ') : `${field}: ${list.join(' ')}`));
    throw new RemoteRejected(400, messages, fieldErrors);
  }
  // 403 is "Not allowed" (docs/remotes/brainstem.md): the account may not write there (e.g. a setup it only reads).
  if (res.status >= 400) throw new RemoteRejected(res.status, [detail || `BrainSTEM refused ${describe(req)} (HTTP ${res.status}).`], {}, res.status === 403);
  if (res.status < 200 || res.status >= 300) {
    throw new RemoteProtocolError(`BrainSTEM answered ${describe(req)} with HTTP ${res.status}, which its API does not document.`);
  }
  if (body === null) return undefined as T;
  const parsed = body.safeParse(res.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RemoteProtocolError(
      `BrainSTEM's reply to ${describe(req)} did not have the documented shape${issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''}.`,
    );
  }
  return parsed.data;
}

/** DRF's `{field: [msgs]}` as field -> messages; `non_field_errors` and anything unplaceable go under '_'. */
export function drfFieldErrors(body: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    const field = key === 'non_field_errors' ? '_' : key;
    const messages = flatten(value);
    if (messages.length > 0) (out[field] ??= []).push(...messages);
  }
  return out;
}

function flatten(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => flatten(v).map((m) => `${k}: ${m}`));
  return value === null || value === undefined ? [] : [String(value)];
}


/** A 400 for a dynamic-rest filter the server does not take: the filter it names, or null. */
export function refusedFilter(error: unknown, query: Record<string, string | string[]>): string | null {
  if (!(error instanceof RemoteRejected) || error.status !== 400) return null;
  const named = /Invalid filter field:?\s*([\w.{}-]+)/i.exec(error.message)?.[1]?.replace(/^filter\{|\}$/g, '');
  if (!named) return null;
  const key = Object.keys(query).find((k) => k === `filter{${named}}` || k === `filter{-${named}}`);
  return key ?? null;
}

/**
 * Pages through a list with `limit`/`offset`, handing each page over as it arrives (never the
 * whole list). Stops when `next` is null; a server without `next` is followed by `count` or,
 * failing that, by short pages. The docs document only `limit`/`offset` and a few filters: a
 * filter the server refuses (400) is dropped and the caller, which checks every row itself
 * anyway, is told through `ctx.notice` so the slower path is visible (docs/remotes/brainstem.md).
 */
export async function* listPages<T>(
  http: RemoteHttp,
  path: string,
  key: string,
  item: z.ZodType<T>,
  query: Record<string, string | string[]> = {},
  priority = 0,
  notice?: (message: string) => void,
): AsyncGenerator<ListPage<T>> {
  const schema = listPage(key, item);
  let offset = 0;
  let q = { ...query };
  for (;;) {
    let page: ListPage<T>;
    try {
      page = await brainstemCall(http, { method: 'GET', path, query: { ...q, limit: String(PAGE_LIMIT), offset: String(offset) }, priority }, schema);
    } catch (error) {
      const refused = offset === 0 && notice ? refusedFilter(error, q) : null;
      if (!refused) throw error;
      const { [refused]: _dropped, ...rest } = q;
      q = rest;
      notice!(`BrainSTEM refused the filter ${refused} on ${path}, so BenchSync reads that list without it and picks the rows itself (more requests).`);
      continue;
    }
    yield page;
    offset += page.items.length;
    const more = page.next !== undefined ? page.next !== null : page.count !== null ? offset < page.count : page.items.length === PAGE_LIMIT;
    if (!more || page.items.length === 0) return;
  }
}

/**
 * A full pass over one kind's list, each page handed to the engine as it arrives. The API has no
 * "updated since" filter, so there is no cursor; a stable sort keeps offsets meaning the same rows
 * from one page to the next, and only a consistent pass (the count did not move, everything
 * arrived) tells the engine that what it did not see is gone.
 */
export async function pullList<T>(
  ctx: ConnectorContext,
  sink: PullSink,
  kind: RecordKind,
  path: string,
  key: string,
  item: z.ZodType<T>,
  toRecord: (item: T) => RemoteRecord,
): Promise<void> {
  let first: number | null | undefined;
  let received = 0;
  let stable = true;
  for await (const page of listPages(ctx.http, path, key, item, { 'sort[]': 'id' })) {
    if (first === undefined) first = page.count;
    if (page.count !== first) stable = false;
    received += page.items.length;
    await sink.page({ kind, records: page.items.map(toRecord) });
  }
  if (stable && (first === null || first === undefined || received === first)) await sink.complete(kind);
}
