/**
 * `resources/supplier` and `resources/hardwaredevice` with their approval models: the same
 * workflow as consumables (the docs apply the same pattern to supplier and hardwaredevice; docs/remotes/brainstem.md).
 */
import { approvalRoutes, resourceRoutes, validateName, type ResourceKind } from './approval-routes';
import { validateExternalIdentifiers, validateRrid, validateSupplier, rridUrl } from './consumable-routes';
import { detail } from './http';
import { charField, isValidUrl, MSG } from './validate';

const has = (data: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(data, k) && data[k] !== undefined;

/** The docs' example: 'newsupplier.com' comes back as 'http://newsupplier.com' (Django URLField adds the scheme). */
export function normaliseWebsite(raw: string): string {
  if (raw === '') return '';
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
}

export const supplierKind: ResourceKind = {
  model: 'supplier',
  approvalModel: 'supplierapproval',
  verbose: 'supplier',
  listKey: 'suppliers',
  detailKey: 'supplier',
  approvalKey: 'supplier_approval',
  approvalListKey: 'supplier_approvals',
  title: 'Supplier',
  validate(ctx, data, current, errors, opts) {
    const name = validateName(ctx, supplierKind, data, current, errors, opts);
    const description = has(data, 'description')
      ? charField(errors, 'description', data.description)
      : ((current?.description as string | undefined) ?? '');
    let website = (current?.website as string | undefined) ?? '';
    if (has(data, 'website')) {
      const raw = charField(errors, 'website', data.website, { allowNull: true });
      if (typeof raw === 'string') {
        website = normaliseWebsite(raw);
        if (website && !isValidUrl(website)) errors.add('website', MSG.url);
        else if ([...website].length > 200) errors.add('website', MSG.maxLength(200));
      } else if (raw === null) website = '';
    }
    return { name, description: description ?? '', website };
  },
  beforeDelete(store, id) {
    // Consumable/hardware device -> supplier is a protected FK; answer 400 instead of Django's 500.
    const used = store.consumables.all().some((c) => c.supplier === id) || store.hardwaredevices.all().some((h) => h.supplier === id);
    if (used) throw detail(400, 'Cannot delete this supplier: consumables or hardware devices refer to it.');
  },
};

export const hardwareDeviceKind: ResourceKind = {
  model: 'hardwaredevice',
  approvalModel: 'hardwaredeviceapproval',
  verbose: 'hardware device',
  listKey: 'hardwaredevices',
  detailKey: 'hardwaredevice',
  approvalKey: 'hardwaredevice_approval',
  approvalListKey: 'hardwaredevice_approvals',
  title: 'Hardware Device',
  validate(ctx, data, current, errors, opts) {
    const name = validateName(ctx, hardwareDeviceKind, data, current, errors, opts);
    const description = has(data, 'description')
      ? charField(errors, 'description', data.description, { maxLength: 500 })
      : ((current?.description as string | undefined) ?? '');
    const rrid = validateRrid(errors, data, current);
    return {
      name,
      description: description ?? '',
      supplier: validateSupplier(ctx, errors, data, current),
      rrid,
      rrid_url: rridUrl(rrid),
      external_identifiers: validateExternalIdentifiers(errors, data, current),
    };
  },
  beforeDelete(store, id) {
    let changed = false;
    for (const e of store.equipment.all()) {
      if (e.hardwaredevice === id) {
        e.hardwaredevice = null;
        changed = true;
      }
    }
    if (changed) store.touch();
  },
};

export const supplierRoutes = resourceRoutes(supplierKind);
export const supplierApprovalRoutes = approvalRoutes(supplierKind);
export const hardwareDeviceRoutes = resourceRoutes(hardwareDeviceKind);
export const hardwareDeviceApprovalRoutes = approvalRoutes(hardwareDeviceKind);
