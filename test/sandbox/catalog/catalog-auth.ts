import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * API keys shaped like the real service's: itsdangerous `URLSafeSerializer(secret,
 * signer_kwargs={'key_derivation': 'hmac'}).dumps(user_id)`, i.e.
 * base64url(JSON user id) + "." + base64url(HMAC(derived key, payload)).
 * The real signer uses SHA-1; the sandbox uses SHA-256 with a fixed secret so keys are
 * deterministic across runs (a client must treat the key as opaque either way).
 */
const SANDBOX_SECRET = 'benchsync-sandbox-instrument-catalog-secret';
const SALT = 'itsdangerous';

/** Role -> user id. User 2 owns the seed instruments, like Admin2 in the real dev database. */
export const CATALOG_USERS = { member: 1, other: 2 } as const;
export type CatalogRole = keyof typeof CATALOG_USERS;

const KNOWN_USER_IDS = new Set<number>(Object.values(CATALOG_USERS));

const derivedKey = createHmac('sha256', SANDBOX_SECRET).update(SALT).digest();

function sign(payload: string): string {
  return createHmac('sha256', derivedKey).update(payload).digest('base64url');
}

export function apiKeyFor(userId: number): string {
  const payload = Buffer.from(JSON.stringify(userId)).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

export function catalogUserKeys(): Record<CatalogRole, string> {
  return { member: apiKeyFor(CATALOG_USERS.member), other: apiKeyFor(CATALOG_USERS.other) };
}

/** The user id a key was signed for, or undefined when the key is malformed, forged or unknown. */
export function userIdFromKey(key: string): number | undefined {
  const dot = key.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const payload = key.slice(0, dot);
  const given = Buffer.from(key.slice(dot + 1));
  const expected = Buffer.from(sign(payload));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return typeof value === 'number' && KNOWN_USER_IDS.has(value) ? value : undefined;
}

/** Reads `Authorization: Bearer <key>`; anything else is anonymous. */
export function userIdFromAuthorization(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const [scheme, key, ...rest] = header.trim().split(/\s+/);
  if (rest.length > 0 || !key || scheme?.toLowerCase() !== 'bearer') return undefined;
  return userIdFromKey(key);
}
