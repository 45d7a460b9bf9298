/**
 * How a remote's answer is classified, whatever its envelope. The sync engine acts on these
 * classes only; each connector maps its own status codes and bodies onto them.
 */

/**
 * The remote refused this edit for good (400/403/404...): park the op with the server's words.
 * `accessDenied`: the refusal is of this account writing there, not of the values (BrainSTEM's 403
 * for a setup the account only reads); the connector that knows its statuses says so.
 */
export class RemoteRejected extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly fieldErrors: Record<string, string[]> = {},
    readonly accessDenied = false,
  ) {
    super(messages.join(' ') || `The server refused the change (HTTP ${status}).`);
    this.name = 'RemoteRejected';
  }
}

/** 429: the whole connection waits. */
export class RemoteRateLimited extends Error {
  constructor(readonly retryAfterMs: number | null, message = 'The server asked us to slow down (HTTP 429).') {
    super(message);
    this.name = 'RemoteRateLimited';
  }
}

/** The key was refused: nothing will work until the user fixes the connection. */
export class RemoteAuthFailed extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'RemoteAuthFailed';
  }
}

/**
 * Network down, reset, timeout or 5xx: try again later. `maybeCommitted` is false only when the
 * request certainly never reached the server (connection refused), so the op's outcome is known.
 */
export class RemoteUnavailable extends Error {
  constructor(
    message: string,
    readonly maybeCommitted: boolean,
    readonly status: number | null = null,
    readonly networkDown = false,
  ) {
    super(message);
    this.name = 'RemoteUnavailable';
  }
}

/** The remote answered 2xx with something that is not what its contract promises. */
export class RemoteProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteProtocolError';
  }
}

/** A 5xx, with the start of what the server said (an HTML error page reduced to its text). */
export function serverError(remote: string, res: { status: number; text: string }): RemoteUnavailable {
  const said = res.text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const start = said.length > 160 ? `${said.slice(0, 157)}…` : said;
  return new RemoteUnavailable(`${remote} had a server error (HTTP ${res.status})${start ? `: “${start}”` : ''}.`, true, res.status);
}
