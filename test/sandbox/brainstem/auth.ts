/** The emulator's accounts and DRF TokenAuthentication with the `Bearer` keyword (docs/remotes/brainstem.md). */
import { detail, type Role, type User } from './http';

/**
 * Fixed accounts (tokens look like DRF's 40-hex keys and stay the same across runs, so a saved
 * state file and a configured client keep working). `admin` id 3 matches the docs' reviewer example.
 */
export const USERS: readonly User[] = [
  { id: 3, role: 'admin', username: 'curator.admin', token: '3b0c2f8e9d1a47c6b5e04f1d2a9c8b7e6f5a4d3c', isAdmin: true },
  { id: 7, role: 'member', username: 'm.okafor', token: '7e1d4c9b2a8f47e0b3c6d5a4f1e2b9c8d7a6e5f4', isAdmin: false },
  { id: 12, role: 'other', username: 'j.lindqvist', token: 'c12a9e8d7b6f45a3c2e1d0b9a8f7e6d5c4b3a2f1', isAdmin: false },
];

export const USER_BY_ROLE = Object.fromEntries(USERS.map((u) => [u.role, u])) as Record<Role, User>;
const BY_TOKEN = new Map(USERS.map((u) => [u.token, u]));

const WWW_AUTH = { 'WWW-Authenticate': 'Bearer' };

/**
 * `null` when no Bearer credentials were sent (DRF then treats the caller as anonymous);
 * throws 401 for malformed or unknown tokens, as TokenAuthentication does, on either portal.
 */
export function authenticate(header: string | undefined): User | null {
  const parts = (header ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts[0]!.toLowerCase() !== 'bearer') return null;
  if (parts.length === 1) throw detail(401, 'Invalid token header. No credentials provided.', WWW_AUTH);
  if (parts.length > 2) throw detail(401, 'Invalid token header. Token string should not contain spaces.', WWW_AUTH);
  const user = BY_TOKEN.get(parts[1]!);
  if (!user) throw detail(401, 'Invalid token.', WWW_AUTH);
  return user;
}
