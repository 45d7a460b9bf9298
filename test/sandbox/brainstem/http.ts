/** Request/response plumbing shared by the BrainSTEM route modules: DRF-shaped errors and handler types. */
import type { BrainstemStore } from './store';

/** Anything a handler throws to answer with a DRF error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'detail' in body ? String((body as { detail: unknown }).detail) : `HTTP ${status}`);
  }
}

export const detail = (status: number, text: string, headers?: Record<string, string>) =>
  new ApiError(status, { detail: text }, headers);
export const notFound = () => detail(404, 'Not found.');
export const forbidden = () => detail(403, 'You do not have permission to perform this action.');
export const notAuthenticated = () =>
  detail(401, 'Authentication credentials were not provided.', { 'WWW-Authenticate': 'Bearer' });
export const methodNotAllowed = (method: string) => detail(405, `Method "${method}" not allowed.`);

/** Collects DRF `{"field": ["msg", ...]}` validation errors; throws them all at once as one 400. */
export class FieldErrors {
  readonly map: Record<string, string[]> = {};
  add(field: string, message: string): void {
    (this.map[field] ??= []).push(message);
  }
  has(field: string): boolean {
    return field in this.map;
  }
  get any(): boolean {
    return Object.keys(this.map).length > 0;
  }
  throwIfAny(): void {
    if (this.any) throw new ApiError(400, this.map);
  }
}

export type Role = 'member' | 'admin' | 'other';

export interface User {
  id: number;
  role: Role;
  username: string;
  token: string;
  /** Django superuser/staff: sees everything, decides approvals, deletes resources. */
  isAdmin: boolean;
}

export type Portal = 'private' | 'public';

export interface RequestContext {
  method: string;
  portal: Portal;
  user: User | null;
  /** Path without the query string, as requested. */
  path: string;
  /** `http://host:port`, as Django's build_absolute_uri would see it. */
  origin: string;
  /** Decoded query parameters in order. */
  params: Array<[string, string]>;
  id?: string;
  /** DRF `request.data`, parsed lazily (so bodies of body-less actions are never looked at). */
  data(): Record<string, unknown>;
  store: BrainstemStore;
  /** Filters to answer with a 400 (published mode, `published.ts`): (model, spec without `-`). */
  refuseFilter?: (model: string, spec: string) => boolean;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => HandlerResult;

/** The viewset of one model: which actions exist decides 405s and the Allow header. */
export interface ModelRoutes {
  /** Portals that serve this model at all (others: 404). */
  portals: readonly Portal[];
  /** Verbose name for OPTIONS metadata, e.g. "Equipment". */
  title: string;
  list?: Handler;
  create?: Handler;
  retrieve?: Handler;
  update?: Handler;
  partialUpdate?: Handler;
  destroy?: Handler;
  /** Detail actions such as `accept` / `reject` (PATCH only). */
  actions?: Record<string, Handler>;
}

export const ok = (body: unknown): HandlerResult => ({ status: 200, body });
export const created = (body: unknown): HandlerResult => ({ status: 201, body });
export const noContent = (): HandlerResult => ({ status: 204 });

export function requireUser(ctx: RequestContext): User {
  if (!ctx.user) throw notAuthenticated();
  return ctx.user;
}
