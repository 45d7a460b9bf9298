import type { z } from 'zod';
import { type HttpRequest, type HttpResponse, type RemoteHttp, retryAfterMs } from '../http';
import { RemoteAuthFailed, RemoteProtocolError, RemoteRateLimited, RemoteRejected, RemoteUnavailable, serverError } from '../remote-errors';
import { cannlyticsFailure, cannlyticsSuccess } from './cannlytics-wire';

/**
 * Envelope and status mapping for Cannlytics. Every call is scoped to the connection's
 * organisation. A 403 means two different things: a key whose user is not in the organisation
 * (nothing will work until the settings change) or an action the user's role may not take
 * (deleting without being owner/QA: that one edit is refused).
 */
export interface CannlyticsRequest extends Omit<HttpRequest, 'query'> {
  query?: Record<string, string | undefined>;
}

export async function cannlyticsCall<T>(http: RemoteHttp, organizationId: string, req: CannlyticsRequest, data: z.ZodType<T>): Promise<T> {
  if (!organizationId.trim()) {
    throw new RemoteAuthFailed(403, 'Enter the Cannlytics Organization ID in the connection settings: every request needs one.');
  }
  const res = await http.request({ ...req, query: { organization_id: organizationId, ...req.query } });
  if (res.status < 200 || res.status >= 300) throw classify(res, req, organizationId);
  const envelope = cannlyticsSuccess.safeParse(res.json);
  if (!envelope.success) {
    throw new RemoteProtocolError(`Cannlytics answered ${req.method} ${req.path} with HTTP ${res.status} but not in its {success, data} format.`);
  }
  const parsed = data.safeParse(envelope.data.data);
  if (!parsed.success) {
    throw new RemoteProtocolError(
      `Cannlytics' reply to ${req.method} ${req.path} did not have the documented shape: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return parsed.data;
}

function classify(res: HttpResponse, req: CannlyticsRequest, organizationId: string): Error {
  const failure = cannlyticsFailure.safeParse(res.json);
  const said = failure.success ? ('message' in failure.data ? failure.data.message : failure.data.detail).replace(/\s+/g, ' ').trim() : '';
  const status = res.status;
  if (status >= 500) return serverError('Cannlytics', res);
  if (status === 429) {
    return new RemoteRateLimited(retryAfterMs(res.headers), `Cannlytics asked us to slow down${said ? `: ${said}` : ' (HTTP 429).'}`);
  }
  if (status === 401) {
    return new RemoteAuthFailed(401, 'Cannlytics did not accept the API key. Enter a valid key in the connection settings.');
  }
  // Both organisation messages name the organisation; the role and body messages do not.
  if (status === 403 && /organization/i.test(said)) {
    if (/organization_id parameter/i.test(said)) {
      return new RemoteAuthFailed(403, 'Cannlytics wants an Organization ID with every request: enter it in the connection settings.');
    }
    // The published server of the docs' era checks only the owner claim, with the same words: a
    // team or QA key is refused there too (docs/remotes/cannlytics.md). Both causes are named.
    return new RemoteAuthFailed(
      403,
      `Cannlytics refused this key for the organization “${organizationId}” (“${said}”). Either its account is not an owner, QA or team member ` +
        'of that organization (check the Organization ID in the connection settings: it is case-sensitive), or this key’s role cannot use the API ' +
        'on this server: Cannlytics servers running the 2021 code let only the organization’s owners use it, so team and QA keys are refused. Use an owner’s key.',
    );
  }
  if (failure.success && (status === 400 || status === 403)) {
    return new RemoteRejected(status, [said], /instrument_id/.test(said) ? { instrument_id: [said] } : {});
  }
  if (status === 413) return new RemoteRejected(413, ['The change is too large for Cannlytics to accept.']);
  // Django's HTML pages (404 for a wrong path, 400 before the view runs), 405, 415: not a reply to this API.
  return new RemoteProtocolError(
    `Cannlytics answered ${req.method} ${req.path} with HTTP ${status}${said ? ` (${said})` : ''}. ` +
      'Check the base URL: it should end in /api, e.g. https://console.cannlytics.com/api.',
  );
}

