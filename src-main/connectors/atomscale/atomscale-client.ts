import type { z } from 'zod';
import { type HttpRequest, type HttpResponse, type RemoteHttp, retryAfterMs } from '../http';
import { RemoteAuthFailed, RemoteProtocolError, RemoteRateLimited, RemoteRejected, RemoteUnavailable, serverError } from '../remote-errors';
import { fastapiError } from './atomscale-wire';

/**
 * Status mapping for Atomscale (see docs/remotes/atomscale.md). The SDK reads a 404 on a list as
 * "none", but FastAPI's route-not-found (a wrong base URL) is also a 404: the caller tells them
 * apart by the body. 422 validation items are attached to the record's own field names.
 */
const FIELD_OF_BODY_KEY: Record<string, string> = {
  label: 'source_name',
  name: 'source_make',
  type: 'synth_source_type',
  serial_id: 'serial_identifier',
};

export async function atomscaleRequest(http: RemoteHttp, req: HttpRequest, options: { notFoundOk?: boolean } = {}): Promise<HttpResponse> {
  const res = await http.request(req);
  if (res.status >= 200 && res.status < 300) return res;
  if (res.status === 404 && options.notFoundOk) return res;
  throw classify(res, req);
}

/** FastAPI's answer for a path it has no route for: the base URL is wrong, whatever the SDK makes of it. */
export function isRouteNotFound(res: HttpResponse): boolean {
  const error = fastapiError.safeParse(res.json);
  return res.status === 404 && error.success && error.data.detail === 'Not Found';
}

export function routeNotFound(req: HttpRequest): RemoteProtocolError {
  return new RemoteProtocolError(`Atomscale has no ${req.path} at this base URL (HTTP 404). Check the base URL, e.g. https://api.atomscale.ai.`);
}

export function parseReply<T>(res: HttpResponse, req: HttpRequest, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(res.json);
  if (!parsed.success) {
    throw new RemoteProtocolError(
      `Atomscale's reply to ${req.method} ${req.path} did not have the documented shape: ${parsed.error.issues[0]?.message ?? 'not JSON'}`,
    );
  }
  return parsed.data;
}

function classify(res: HttpResponse, req: HttpRequest): Error {
  const status = res.status;
  const error = fastapiError.safeParse(res.json);
  const detail = error.success && typeof error.data.detail === 'string' ? error.data.detail : '';
  if (status >= 500) return serverError('Atomscale', res);
  if (status === 429) {
    return new RemoteRateLimited(retryAfterMs(res.headers), `Atomscale asked us to slow down${detail ? `: ${detail}.` : ' (HTTP 429).'}`);
  }
  // FastAPI's API-key header dependency answers a missing or unknown key with 403 "Not authenticated".
  if (status === 401 || (status === 403 && /not authenticated|invalid api key|could not validate/i.test(detail))) {
    return new RemoteAuthFailed(status, `Atomscale did not accept the API key${detail ? ` (${detail})` : ''}. Enter a valid key in the connection settings.`);
  }
  if (status === 422 && error.success && Array.isArray(error.data.detail)) {
    const messages: string[] = [];
    const fieldErrors: Record<string, string[]> = {};
    for (const item of error.data.detail) {
      const loc = item.loc ?? [];
      const key = loc[0] === 'body' && typeof loc[1] === 'string' ? loc[1] : null;
      const field = key ? (FIELD_OF_BODY_KEY[key] ?? key) : '_';
      messages.push(key ? `${key}: ${item.msg}` : item.msg);
      (fieldErrors[field] ??= []).push(item.msg);
    }
    return new RemoteRejected(422, messages, fieldErrors);
  }
  if (status === 400 || status === 403 || status === 422) {
    const why =
      detail ||
      (status === 403 ? 'Atomscale refused this (HTTP 403): the API key may lack the write or delete permission.' : `Atomscale refused this (HTTP ${status}).`);
    return new RemoteRejected(status, [why]);
  }
  if (status === 404) return routeNotFound(req);
  return new RemoteProtocolError(`Atomscale answered ${req.method} ${req.path} with HTTP ${status}${detail ? ` (${detail})` : ''}.`);
}

