/**
 * The approval workflow shared by consumable, supplier and hardwaredevice (docs/remotes/brainstem.md): writes to the
 * live model only file an approval; an admin's accept applies it, reject leaves the live record.
 */
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  created,
  detail,
  FieldErrors,
  forbidden,
  noContent,
  notFound,
  ok,
  requireUser,
  type Handler,
  type HandlerResult,
  type ModelRoutes,
  type RequestContext,
} from './http';
import { detailBody, listResponse, MODEL_DEFS } from './models';
import type { Row } from './query';
import type { ApprovalRow, BrainstemStore, ResourceModel } from './store';
import { charField, MSG } from './validate';

export interface ValidateOptions {
  /** Live record a Change targets: its own name does not count as taken. */
  exceptInstance: string | null;
  /** At accept time only live records count (the pending Add being accepted is itself pending). */
  livesOnly: boolean;
}

export interface ResourceKind {
  model: ResourceModel;
  approvalModel: string;
  /** Model verbose name, as in "consumable with this name already exists.". */
  verbose: string;
  listKey: string;
  detailKey: string;
  approvalKey: string;
  approvalListKey: string;
  title: string;
  /**
   * Validates a submission and returns the full proposed live fields (no id, no comments).
   * `current` is the live record a PATCH merges over (null for POST/PUT).
   */
  validate(ctx: RequestContext, data: Record<string, unknown>, current: Row | null, errors: FieldErrors, opts: ValidateOptions): Row;
  /** Cleans up references before an admin deletes a live record (or refuses with an ApiError). */
  beforeDelete?(store: BrainstemStore, id: string): void;
}

/** Names are unique across live records and pending Add approvals (so two people cannot both propose one). */
export function nameTaken(store: BrainstemStore, model: ResourceModel, name: string, opts: ValidateOptions): boolean {
  for (const row of store.live(model).all()) if (row.name === name && row.id !== opts.exceptInstance) return true;
  if (opts.livesOnly) return false;
  for (const a of store.approvals[model].all()) if (a.status === 'Pending' && a.action === 'Add' && a.name === name) return true;
  return false;
}

/** The `name` rule every resource shares: required, not blank, ≤100, unique. */
export function validateName(
  ctx: RequestContext,
  kind: ResourceKind,
  data: Record<string, unknown>,
  current: Row | null,
  errors: FieldErrors,
  opts: ValidateOptions,
): string | undefined {
  if (!('name' in data) || data.name === undefined) {
    if (!current) errors.add('name', MSG.required);
    return current?.name as string | undefined;
  }
  const name = charField(errors, 'name', data.name, { maxLength: 100, allowBlank: false });
  if (typeof name !== 'string') return undefined;
  if (nameTaken(ctx.store, kind.model, name, opts)) errors.add('name', MSG.unique(kind.verbose));
  return name;
}

function liveFields(kind: ResourceKind): string[] {
  return Object.keys(MODEL_DEFS[kind.model]!.fields).filter((f) => f !== 'id');
}

function submit(ctx: RequestContext, kind: ResourceKind, current: Row | null, partial: boolean): ApprovalRow {
  const user = requireUser(ctx);
  const data = ctx.data();
  const errors = new FieldErrors();
  const proposed = kind.validate(ctx, data, partial ? current : null, errors, {
    exceptInstance: current ? (current.id as string) : null,
    livesOnly: false,
  });
  const comments = 'comments' in data ? charField(errors, 'comments', data.comments, { allowNull: true }) : '';
  errors.throwIfAny();
  const approval: ApprovalRow = {
    id: randomUUID(),
    ...proposed,
    name: proposed.name as string,
    comments: comments ?? '',
    instance_id: current ? (current.id as string) : null,
    action: current ? 'Change' : 'Add',
    reviewer: null,
    status: 'Pending',
    submitted_by: user.id,
  };
  ctx.store.approvals[kind.model].set(approval);
  ctx.store.touch();
  return approval;
}

function approvalBody(ctx: RequestContext, kind: ResourceKind, approval: ApprovalRow): Record<string, Row> {
  return detailBody(ctx, kind.approvalModel, kind.approvalKey, approval);
}

/** Live model: list/detail on both portals; POST/PUT/PATCH file approvals; DELETE is admin-only. */
export function resourceRoutes(kind: ResourceKind): ModelRoutes {
  const getLive = (ctx: RequestContext): Row => {
    const row = ctx.store.live(kind.model).get(ctx.id);
    if (!row) throw notFound();
    return row;
  };
  return {
    portals: ['private', 'public'],
    title: kind.title,
    list: (ctx) => listResponse(ctx, kind.model, kind.listKey, () => ctx.store.live(kind.model).all(), 'all'),
    retrieve: (ctx) => ok(detailBody(ctx, kind.model, kind.detailKey, getLive(ctx))),
    create: (ctx) => created(approvalBody(ctx, kind, submit(ctx, kind, null, false))),
    update: (ctx) => ok(approvalBody(ctx, kind, submit(ctx, kind, getLive(ctx), false))),
    partialUpdate: (ctx) => ok(approvalBody(ctx, kind, submit(ctx, kind, getLive(ctx), true))),
    destroy: (ctx) => {
      // "Only administrators can delete": a view-level permission, so 403 comes before the lookup.
      if (!requireUser(ctx).isAdmin) throw forbidden();
      const row = getLive(ctx);
      kind.beforeDelete?.(ctx.store, row.id as string);
      ctx.store.live(kind.model).delete(row.id as string);
      ctx.store.touch();
      return noContent();
    },
  };
}

function decide(kind: ResourceKind, verdict: 'Accepted' | 'Rejected'): Handler {
  return (ctx): HandlerResult => {
    const user = requireUser(ctx);
    if (!user.isAdmin) throw forbidden();
    const approval = ctx.store.approvals[kind.model].get(ctx.id);
    if (!approval) throw notFound();
    if (approval.status !== 'Pending') {
      throw detail(400, `This approval has already been ${approval.status.toLowerCase()}.`);
    }
    const next: ApprovalRow = { ...approval, status: verdict, reviewer: user.id };
    if (verdict === 'Accepted') {
      const live = ctx.store.live(kind.model);
      if (approval.action === 'Change' && !live.has(approval.instance_id)) {
        throw detail(400, `The ${kind.verbose} this change refers to no longer exists.`);
      }
      // Re-validate against the database as it is now: a name may have been taken meanwhile.
      const errors = new FieldErrors();
      const fields = kind.validate(ctx, { ...approval }, null, errors, {
        exceptInstance: approval.instance_id,
        livesOnly: true,
      });
      if (errors.any) throw new ApiError(400, errors.map);
      const id = approval.instance_id ?? randomUUID();
      const row: Row = { id };
      for (const f of liveFields(kind)) row[f] = fields[f];
      live.set(row as never);
      // The docs are silent; pointing an accepted Add at the record it created lets a client find it.
      next.instance_id = id;
    }
    ctx.store.approvals[kind.model].set(next);
    ctx.store.touch();
    return ok(approvalBody(ctx, kind, next));
  };
}

/** `<model>approval`: private only; a non-admin sees only their own submissions. */
export function approvalRoutes(kind: ResourceKind): ModelRoutes {
  const visible = (ctx: RequestContext, a: ApprovalRow | undefined): a is ApprovalRow =>
    !!a && (!!ctx.user?.isAdmin || a.submitted_by === ctx.user?.id);
  const get = (ctx: RequestContext): ApprovalRow => {
    const a = ctx.store.approvals[kind.model].get(ctx.id);
    if (!visible(ctx, a)) throw notFound();
    return a;
  };
  return {
    portals: ['private'],
    title: `${kind.title} Approval`,
    list: (ctx) => {
      const all = ctx.store.approvals[kind.model].all();
      if (ctx.user?.isAdmin) return listResponse(ctx, kind.approvalModel, kind.approvalListKey, () => all, 'all');
      return listResponse(ctx, kind.approvalModel, kind.approvalListKey, () => all.filter((a) => visible(ctx, a)), `user:${ctx.user?.id}`);
    },
    retrieve: (ctx) => ok(approvalBody(ctx, kind, get(ctx))),
    destroy: (ctx) => {
      // A submitter may withdraw a pending submission; decided ones are history only admins remove.
      const a = get(ctx);
      if (!ctx.user?.isAdmin && a.status !== 'Pending') throw forbidden();
      ctx.store.approvals[kind.model].delete(a.id);
      ctx.store.touch();
      return noContent();
    },
    actions: { accept: decide(kind, 'Accepted'), reject: decide(kind, 'Rejected') },
  };
}

