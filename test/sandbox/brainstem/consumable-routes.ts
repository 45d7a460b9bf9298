/** `resources/consumable` and `resources/consumableapproval` (docs/remotes/brainstem.md). */
import { approvalRoutes, resourceRoutes, validateName, type ResourceKind } from './approval-routes';
import type { FieldErrors, RequestContext } from './http';
import type { Row } from './query';
import { CONSUMABLE_TYPES, pyRepr } from './schemas';
import { charField, choiceField, isPlainObject, isValidUrl, MSG, pkField } from './validate';

const has = (data: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(data, k) && data[k] !== undefined;

/** The lookup page an RRID resolves to; `rrid_url` is read-only, so it is always derived. */
export const rridUrl = (rrid: string) => (rrid ? `https://scicrunch.org/resolver/${rrid}` : '');

/** `rrid`: optional; the data-model page says it "Must start with 'RRID:'". */
export function validateRrid(errors: FieldErrors, data: Record<string, unknown>, current: Row | null): string {
  if (!has(data, 'rrid')) return (current?.rrid as string | undefined) ?? '';
  const rrid = charField(errors, 'rrid', data.rrid, { allowNull: true });
  if (rrid && !rrid.startsWith('RRID:')) errors.add('rrid', "Must start with 'RRID:'.");
  return rrid ?? '';
}

/**
 * `external_identifiers`: a list of `{Source, Identifier, URL?}`. The Source enum is only
 * partly published ("NCBI, JAX, DOI…"), so any non-empty Source is accepted.
 */
export function validateExternalIdentifiers(errors: FieldErrors, data: Record<string, unknown>, current: Row | null): unknown[] {
  if (!has(data, 'external_identifiers')) return (current?.external_identifiers as unknown[] | undefined) ?? [];
  const value = data.external_identifiers;
  if (value === null) return [];
  if (!Array.isArray(value)) {
    errors.add('external_identifiers', MSG.list(value));
    return [];
  }
  value.forEach((item, i) => {
    if (!isPlainObject(item)) {
      errors.add('external_identifiers', `Item ${i}: ${pyRepr(item)} is not of type 'object'`);
      return;
    }
    for (const key of ['Source', 'Identifier']) {
      if (!(key in item)) errors.add('external_identifiers', `Item ${i}: '${key}' is a required property`);
      else if (typeof item[key] !== 'string' || item[key] === '') {
        errors.add('external_identifiers', `Item ${i}: ${pyRepr(item[key])} is not a non-empty string ('${key}')`);
      }
    }
    if ('URL' in item && (typeof item.URL !== 'string' || !isValidUrl(item.URL))) {
      errors.add('external_identifiers', `Item ${i}: 'URL' ${MSG.url}`);
    }
  });
  return value;
}

/** A required supplier: must be an approved (live) supplier. */
export function validateSupplier(ctx: RequestContext, errors: FieldErrors, data: Record<string, unknown>, current: Row | null): string | undefined {
  if (!has(data, 'supplier')) {
    if (!current) errors.add('supplier', MSG.required);
    return current?.supplier as string | undefined;
  }
  return pkField(errors, 'supplier', data.supplier, (id) => ctx.store.suppliers.has(id)) ?? undefined;
}

export const consumableKind: ResourceKind = {
  model: 'consumable',
  approvalModel: 'consumableapproval',
  verbose: 'consumable',
  listKey: 'consumables',
  detailKey: 'consumable',
  approvalKey: 'consumable_approval',
  approvalListKey: 'consumable_approvals',
  title: 'Consumable',
  validate(ctx, data, current, errors, opts) {
    const name = validateName(ctx, consumableKind, data, current, errors, opts);
    const description = has(data, 'description')
      ? charField(errors, 'description', data.description, { maxLength: 500 })
      : ((current?.description as string | undefined) ?? '');
    const supplier = validateSupplier(ctx, errors, data, current);
    let type = current?.type as string | undefined;
    if (has(data, 'type')) type = choiceField(errors, 'type', data.type, CONSUMABLE_TYPES);
    else if (!current) errors.add('type', MSG.required);
    let details = (current?.details as Record<string, unknown> | undefined) ?? {};
    if (has(data, 'details')) {
      // No machine schema is published for consumable details: any JSON object is accepted.
      if (isPlainObject(data.details)) details = data.details;
      else errors.add('details', data.details === null ? MSG.null : MSG.dict(data.details));
    }
    const rrid = validateRrid(errors, data, current);
    return {
      name,
      description: description ?? '',
      supplier,
      type,
      rrid,
      rrid_url: rridUrl(rrid), // read-only: whatever the client sent is ignored
      external_identifiers: validateExternalIdentifiers(errors, data, current),
      details,
    };
  },
  beforeDelete(store, id) {
    // Equipment.consumable is a nullable FK (on_delete=SET_NULL).
    let changed = false;
    for (const e of store.equipment.all()) {
      if (e.consumable === id) {
        e.consumable = null;
        changed = true;
      }
    }
    if (changed) store.touch();
  },
};

export const consumableRoutes = resourceRoutes(consumableKind);
export const consumableApprovalRoutes = approvalRoutes(consumableKind);
