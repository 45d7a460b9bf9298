/**
 * Which URLs leave the window. Pure: no electron, no node (test/unit/shell-policy.test.ts).
 *
 * The renderer shows record values that look like URLs as links, and a record's values come from
 * a remote server, so a link is untrusted input. BenchSync hands a link to the operating system
 * (`shell.openExternal`) only when it is https, on the default port, without credentials, and on
 * one of the hosts below; everything else is refused, and the window never navigates away from
 * the app itself.
 */

/** The remote systems' own hosts (their default base URLs in src-shared/domain/remotes/). */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [
  'www.brainstem.org',
  'console.cannlytics.com',
  'api.atomscale.ai',
  'instrument-catalog-py.herokuapp.com',
];

const MAX_URL_LENGTH = 2048;

export type LinkDecision =
  | { action: 'open'; url: string }
  | { action: 'refuse'; reason: string };

function parse(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * Whether a link may be opened in the user's browser. The URL to open is the parsed, normalised
 * one (`href`), so what is opened is exactly what was checked.
 */
export function externalLinkDecision(raw: unknown, allowedHosts: readonly string[] = EXTERNAL_LINK_HOSTS): LinkDecision {
  const url = parse(raw);
  if (!url) return { action: 'refuse', reason: 'not a valid URL' };
  if (url.protocol !== 'https:') return { action: 'refuse', reason: `only https links are opened (this one is ${url.protocol})` };
  if (url.username !== '' || url.password !== '') return { action: 'refuse', reason: 'the link carries a user name or password' };
  if (url.port !== '') return { action: 'refuse', reason: 'the link names a port' };
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  if (!allowed.has(url.hostname)) return { action: 'refuse', reason: `${url.hostname} is not one of the sites BenchSync opens` };
  return { action: 'open', url: url.href };
}

/** The part of a URL that names a document: everything but the fragment. */
function documentOf(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search}`;
}

export type NavigationDecision = { action: 'allow' } | { action: 'deny'; link: LinkDecision };

/**
 * A navigation of a window (or one of its frames) that is about to happen. Only a navigation to the
 * document already shown is allowed (a link to `#section` of the same page); anything else is
 * cancelled, and what the shell may do with it instead (open it outside, or not) is `link`.
 */
export function navigationDecision(target: unknown, current: string): NavigationDecision {
  const to = parse(target);
  const from = parse(current);
  if (to && from && to.protocol !== 'javascript:' && documentOf(to) === documentOf(from)) return { action: 'allow' };
  return { action: 'deny', link: externalLinkDecision(target) };
}
