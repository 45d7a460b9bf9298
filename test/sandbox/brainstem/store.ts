/**
 * In-memory BrainSTEM database. Rows keep the API's field names so filters and serializers read
 * them directly; the few hidden columns (setup membership, who submitted an approval) are dropped
 * by the model serializers in query.ts.
 */
import type { PersistentStore } from '../common/emulator-server';

export interface SetupRow {
  id: string;
  name: string;
  location: string;
  description: string;
  setup_type: string;
  specifications: Record<string, unknown>;
  is_public: boolean;
  image: string | null;
  /** Hidden: user ids that may write the setup's equipment. */
  contributors: number[];
  /** Hidden: user ids that may only read it. */
  readers: number[];
}

export interface EquipmentRow {
  id: string;
  name: string;
  type: string;
  notes: string;
  setup: string;
  date_time: string | null;
  consumable: string | null;
  hardwaredevice: string | null;
  details: Record<string, unknown>;
  type_schema_version: string;
  coordinates_system: string;
  coordinates_details: Record<string, unknown>;
  coordinates_schema_version: string;
}

export interface ExternalIdentifier {
  Source: string;
  Identifier: string;
  URL?: string;
}

export interface ConsumableRow {
  id: string;
  name: string;
  description: string;
  supplier: string;
  type: string;
  rrid: string;
  rrid_url: string;
  external_identifiers: ExternalIdentifier[];
  details: Record<string, unknown>;
}

export interface SupplierRow {
  id: string;
  name: string;
  description: string;
  website: string;
}

export interface HardwareDeviceRow {
  id: string;
  name: string;
  description: string;
  supplier: string;
  rrid: string;
  rrid_url: string;
  external_identifiers: ExternalIdentifier[];
}

export type ApprovalStatus = 'Pending' | 'Accepted' | 'Rejected';

/** Proposed fields of the resource plus the workflow columns. */
export type ApprovalRow = Record<string, unknown> & {
  id: string;
  name: string;
  comments: string;
  instance_id: string | null;
  action: 'Add' | 'Change';
  reviewer: number | null;
  status: ApprovalStatus;
  /** Hidden: the submitting user's id (non-admins only see their own submissions). */
  submitted_by: number;
};

export type ResourceModel = 'consumable' | 'supplier' | 'hardwaredevice';

/** Insertion-ordered table with a cached array, so unfiltered paging is a slice. */
export class Collection<T extends { id: string }> {
  private readonly rows = new Map<string, T>();
  private array: T[] | null = null;

  get size(): number {
    return this.rows.size;
  }
  get(id: string | null | undefined): T | undefined {
    return id == null ? undefined : this.rows.get(id);
  }
  has(id: string | null | undefined): boolean {
    return id != null && this.rows.has(id);
  }
  /** Inserts or replaces; a replaced row keeps its position, as an UPDATE keeps a row's pk. */
  set(row: T): void {
    const existing = this.rows.get(row.id);
    this.rows.set(row.id, row);
    if (!existing) this.array?.push(row);
    else this.array = null;
  }
  delete(id: string): boolean {
    const removed = this.rows.delete(id);
    if (removed) this.array = null;
    return removed;
  }
  all(): readonly T[] {
    this.array ??= [...this.rows.values()];
    return this.array;
  }
  replaceAll(rows: readonly T[]): void {
    this.rows.clear();
    for (const r of rows) this.rows.set(r.id, r);
    this.array = null;
  }
}

interface Snapshot {
  format: 'brainstem-emulator/1';
  setups: SetupRow[];
  equipment: EquipmentRow[];
  consumables: ConsumableRow[];
  suppliers: SupplierRow[];
  hardwaredevices: HardwareDeviceRow[];
  approvals: Record<ResourceModel, ApprovalRow[]>;
}

export class BrainstemStore implements PersistentStore {
  readonly setups = new Collection<SetupRow>();
  readonly equipment = new Collection<EquipmentRow>();
  readonly consumables = new Collection<ConsumableRow>();
  readonly suppliers = new Collection<SupplierRow>();
  readonly hardwaredevices = new Collection<HardwareDeviceRow>();
  readonly approvals: Record<ResourceModel, Collection<ApprovalRow>> = {
    consumable: new Collection<ApprovalRow>(),
    supplier: new Collection<ApprovalRow>(),
    hardwaredevice: new Collection<ApprovalRow>(),
  };

  /** Bumped by every write; list results are cached per version (a client paging through is O(limit) per page). */
  private version = 0;
  private readonly listCache = new Map<string, readonly unknown[]>();

  live(model: ResourceModel): Collection<{ id: string; name: string } & Record<string, unknown>> {
    const table = { consumable: this.consumables, supplier: this.suppliers, hardwaredevice: this.hardwaredevices }[model];
    return table as unknown as Collection<{ id: string; name: string } & Record<string, unknown>>;
  }

  /** Call after every change. */
  touch(): void {
    this.version++;
    this.listCache.clear();
  }

  cachedList<T>(key: string, compute: () => readonly T[]): readonly T[] {
    const full = `${this.version}\u0000${key}`;
    const hit = this.listCache.get(full);
    if (hit) return hit as readonly T[];
    const value = compute();
    if (this.listCache.size >= 32) this.listCache.delete(this.listCache.keys().next().value as string);
    this.listCache.set(full, value);
    return value;
  }

  snapshot(): Snapshot {
    return {
      format: 'brainstem-emulator/1',
      setups: [...this.setups.all()],
      equipment: [...this.equipment.all()],
      consumables: [...this.consumables.all()],
      suppliers: [...this.suppliers.all()],
      hardwaredevices: [...this.hardwaredevices.all()],
      approvals: {
        consumable: [...this.approvals.consumable.all()],
        supplier: [...this.approvals.supplier.all()],
        hardwaredevice: [...this.approvals.hardwaredevice.all()],
      },
    };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as Partial<Snapshot> | null;
    if (!s || s.format !== 'brainstem-emulator/1') throw new Error('not a BrainSTEM emulator state file');
    this.setups.replaceAll(s.setups ?? []);
    this.equipment.replaceAll(s.equipment ?? []);
    this.consumables.replaceAll(s.consumables ?? []);
    this.suppliers.replaceAll(s.suppliers ?? []);
    this.hardwaredevices.replaceAll(s.hardwaredevices ?? []);
    for (const model of ['consumable', 'supplier', 'hardwaredevice'] as const) {
      this.approvals[model].replaceAll(s.approvals?.[model] ?? []);
    }
    this.touch();
  }
}
