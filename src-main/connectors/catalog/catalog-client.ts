import type { z } from 'zod';
import { fieldsNamedBy } from '../../../src-shared/domain/plain-messages';
import type { HttpRequest, RemoteHttp } from '../http';
import { RemoteAuthFailed, RemoteProtocolError, RemoteRateLimited, RemoteRejected, RemoteUnavailable, serverError } from '../remote-errors';
import { catalogEnvelope } from './catalog-wire';

/**
 * Envelope and status mapping for the Instrument Catalog. Its 429 carries no Retry-After, and a
 * bad key is a 403 whose message says so, unlike the 403 for someone else's instrument.
 */
const AUTH_MESSAGE = 'You must authenticate using the `Authorization: Bearer` header';

export async function catalogCall<T>(http: RemoteHttp, req: HttpRequest, data: z.ZodType<T>): Promise<T> {
  const res = await http.request(req);
  const envelope = catalogEnvelope.safeParse(res.json);
  if (res.status >= 500) throw serverError('Instrument Catalog', res);
  if (res.status === 429) {
    const why = envelope.success ? envelope.data.errors.join(' ') : '';
    throw new RemoteRateLimited(null, why || 'Instrument Catalog: rate limit exceeded (HTTP 429).');
  }
  if (!envelope.success) {
    throw new RemoteProtocolError(
      `Instrument Catalog answered ${req.method} ${req.path} with HTTP ${res.status} but not in its {successful, errors, data} format.`,
    );
  }
  const { errors } = envelope.data;
  if (res.status === 403 && errors.some((e) => e.startsWith(AUTH_MESSAGE))) {
    throw new RemoteAuthFailed(403, 'Instrument Catalog rejected the API key.');
  }
  if (res.status >= 400) {
    throw new RemoteRejected(res.status, errors.length ? errors : [`HTTP ${res.status}`], fieldErrorsFrom(errors));
  }
  const parsed = data.safeParse(envelope.data.data);
  if (!parsed.success) {
    throw new RemoteProtocolError(
      `Instrument Catalog's reply to ${req.method} ${req.path} did not have the documented shape: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/** The catalog's errors are sentences; attach each to the field (or every field) it names so the form can show it there. */
export function fieldErrorsFrom(errors: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (field: string, message: string) => (out[field] ??= []).push(message);
  for (const message of errors) {
    const named = fieldsNamedBy(message);
    const over = /^Provided (\w+) is over the limit/.exec(message);
    if (named.length > 0) for (const field of named) add(field, message);
    else if (over) add(over[1]!, message);
    else if (/alternate/i.test(message)) add('alternate_names', message);
    else if (message.startsWith('Image URL')) add('image', message);
    else if (/category/i.test(message)) add('category_id', message);
    else add('_', message);
  }
  return out;
}
