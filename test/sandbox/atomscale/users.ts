/**
 * Organisations, users and `X-API-KEY` keys. Everything the API returns is scoped to the
 * organisation of the key's user. The docs mention key permissions (read, write, delete, admin)
 * but no endpoint here is documented as needing one, so every key may do everything in its org.
 */
export const ORG_A = 'org_northfield_thin_films';
export const ORG_B = 'org_cascade_epitaxy';

export interface AtomscaleUser {
  userId: string;
  name: string;
  organizationId: string;
}

export interface KeyHolder extends AtomscaleUser {
  key: string;
}

export type AtomscaleRole = 'member' | 'admin' | 'outsider';

export const KEY_HOLDERS: Readonly<Record<AtomscaleRole, KeyHolder>> = {
  // The user of the documented example object.
  member: { userId: 'user_abc123', name: 'Jane Smith', organizationId: ORG_A, key: 'as_live_member_4hT8qZ2nW6vK9pR3' },
  admin: { userId: 'user_q7m4tz', name: 'Marcus Chen', organizationId: ORG_A, key: 'as_live_admin_7cX2mB5rJ8dL1sF4' },
  outsider: { userId: 'user_x3v7bn', name: 'Tomás Ortega', organizationId: ORG_B, key: 'as_live_outsider_9kD4wP7tN2hQ6zM1' },
};

/** Instrument owners in the demo data, key holders included. */
export const ORG_A_USERS: readonly AtomscaleUser[] = [
  KEY_HOLDERS.member,
  KEY_HOLDERS.admin,
  { userId: 'user_h2k9pw', name: 'Aisha Bello', organizationId: ORG_A },
  { userId: 'user_t5n8rd', name: 'Lukas Weber', organizationId: ORG_A },
];
export const ORG_B_USERS: readonly AtomscaleUser[] = [
  KEY_HOLDERS.outsider,
  { userId: 'user_m6c2jf', name: 'Hannah Kim', organizationId: ORG_B },
];

const BY_KEY = new Map(Object.values(KEY_HOLDERS).map((u) => [u.key, u]));

export function userForKey(key: string | undefined): KeyHolder | undefined {
  return key ? BY_KEY.get(key) : undefined;
}
