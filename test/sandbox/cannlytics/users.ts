/**
 * API keys and the organisation roles they carry. The real server HMACs the key and looks up a
 * Firebase uid whose custom claims list the organisations where the user is `owner`, `team` or
 * `qa`; here the table is fixed so demos and tests can hard-code the keys.
 */
export const TEST_COMPANY = 'test-company';
export const OTHER_LAB = 'other-lab';

export interface CannlyticsUser {
  /** Firebase uid: what `updated_by` records. */
  uid: string;
  key: string;
  name: string;
  owner: readonly string[];
  team: readonly string[];
  qa: readonly string[];
}

export type CannlyticsRole = 'member' | 'owner' | 'qa' | 'outsider';

export const USERS: Readonly<Record<CannlyticsRole, CannlyticsUser>> = {
  member: {
    uid: 'u7Qm2ZtK4cX9pLr1sVb8nW3eYa5d',
    key: 'cl_member_5kT9xQ2mVb7RzL4pWn8cH3sD',
    name: 'Maria Alvarez',
    owner: [],
    team: [TEST_COMPANY],
    qa: [],
  },
  owner: {
    uid: 'Hc3Lw9Xp2Rk7Vt5Nq8Zm1Bd4Fs6g',
    key: 'cl_owner_9bF3kL7qX2zN5wR8tM4vC6hJ',
    name: 'Daniel Okafor',
    owner: [TEST_COMPANY],
    team: [TEST_COMPANY],
    qa: [],
  },
  qa: {
    uid: 'pN4sW8kD2mX6qT9vB3zR7cL5hJ1f',
    key: 'cl_qa_3hV8nD5qK2wT7zX9mB4rL6cF',
    name: 'Priya Nair',
    owner: [],
    team: [],
    qa: [TEST_COMPANY],
  },
  outsider: {
    uid: 'Zr8Kc2Vn5Qx9Tb3Wm7Ld1Hs4Pf6j',
    key: 'cl_outsider_7wQ4zK9mT2xB5nV8rD3cL6hF',
    name: 'Sam Whitfield',
    owner: [OTHER_LAB],
    team: [OTHER_LAB],
    qa: [],
  },
};

const BY_KEY = new Map(Object.values(USERS).map((u) => [u.key, u]));

/**
 * The real server does `authorization.split(' ').pop()`: the last word is the key and the scheme
 * word is never checked, so `Bearer k`, `Token k` and a bare `k` all authenticate.
 */
export function userForAuthorization(header: string | undefined): CannlyticsUser | undefined {
  if (!header) return undefined;
  const key = header.split(' ').pop();
  return key ? BY_KEY.get(key) : undefined;
}

export function isMemberOf(user: CannlyticsUser, org: string): boolean {
  return user.owner.includes(org) || user.team.includes(org) || user.qa.includes(org);
}

/** Deleting is reserved to owners and quality assurance. */
export function canDeleteIn(user: CannlyticsUser, org: string): boolean {
  return user.owner.includes(org) || user.qa.includes(org);
}
