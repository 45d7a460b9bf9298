import type { PersistentStore } from '../common/emulator-server';

export interface CategoryRecord {
  id: number;
  name: string;
  description: string;
}

export interface InstrumentRecord {
  id: number;
  name: string;
  description: string;
  image: string | null;
  categoryId: number;
  alternateNames: string[];
  /** Never exposed by the API (the real `user_id` column is not serialized). */
  ownerId: number;
}

/** Everything the emulator keeps; also the shape of the `--state` file. */
export interface CatalogState {
  categories: CategoryRecord[];
  instruments: InstrumentRecord[];
  /** Autoincrement counters: like a SQL sequence, deleted ids are never reused. */
  nextCategoryId: number;
  nextInstrumentId: number;
}

/** The wire shapes. Keys are in sorted order because Flask's jsonify sorts them (JSON_SORT_KEYS). */
export interface CategoryObject {
  description: string;
  id: number;
  name: string;
}

export interface InstrumentObject {
  alternate_names: string[];
  category_id: number;
  description: string;
  id: number;
  image: string | null;
  name: string;
}

export type InstrumentFields = Omit<InstrumentRecord, 'id' | 'ownerId'>;

export function serializeCategory(c: CategoryRecord): CategoryObject {
  return { description: c.description, id: c.id, name: c.name };
}

export function serializeInstrument(i: InstrumentRecord): InstrumentObject {
  return {
    alternate_names: [...i.alternateNames],
    category_id: i.categoryId,
    description: i.description,
    id: i.id,
    image: i.image,
    name: i.name,
  };
}

/** `ORDER BY name`: binary comparison (as a C collation would), id as a stable tie-break. */
function byName(a: InstrumentRecord, b: InstrumentRecord): number {
  if (a.name < b.name) return -1;
  if (a.name > b.name) return 1;
  return a.id - b.id;
}

/** In-memory catalog. Lists are sorted lazily and cached until the next change (cheap at 100k records). */
export class CatalogStore implements PersistentStore {
  private categories = new Map<number, CategoryRecord>();
  private instruments = new Map<number, InstrumentRecord>();
  private nextCategoryId = 1;
  private nextInstrumentId = 1;
  private sortedCache: InstrumentRecord[] | undefined;

  constructor(initial: CatalogState) {
    this.load(initial);
  }

  listCategories(): CategoryRecord[] {
    return [...this.categories.values()].sort((a, b) => a.id - b.id);
  }

  getCategory(id: number): CategoryRecord | undefined {
    return this.categories.get(id);
  }

  /** All instruments ordered by name, optionally filtered. */
  listInstruments(filter?: (i: InstrumentRecord) => boolean): InstrumentRecord[] {
    this.sortedCache ??= [...this.instruments.values()].sort(byName);
    return filter ? this.sortedCache.filter(filter) : this.sortedCache;
  }

  getInstrument(id: number): InstrumentRecord | undefined {
    return this.instruments.get(id);
  }

  get instrumentCount(): number {
    return this.instruments.size;
  }

  createInstrument(fields: InstrumentFields, ownerId: number): InstrumentRecord {
    const record: InstrumentRecord = {
      id: this.nextInstrumentId++,
      ...fields,
      alternateNames: [...fields.alternateNames],
      ownerId,
    };
    this.instruments.set(record.id, record);
    this.sortedCache = undefined;
    return record;
  }

  /** Applies an already validated patch in one step, so a PUT is all-or-nothing. */
  updateInstrument(id: number, patch: Partial<InstrumentFields>): InstrumentRecord | undefined {
    const current = this.instruments.get(id);
    if (!current) return undefined;
    const next: InstrumentRecord = { ...current, ...patch, id, ownerId: current.ownerId };
    if (patch.alternateNames) next.alternateNames = [...patch.alternateNames];
    this.instruments.set(id, next);
    this.sortedCache = undefined;
    return next;
  }

  deleteInstrument(id: number): boolean {
    const deleted = this.instruments.delete(id);
    if (deleted) this.sortedCache = undefined;
    return deleted;
  }

  snapshot(): CatalogState {
    return {
      categories: this.listCategories(),
      instruments: [...this.instruments.values()].sort((a, b) => a.id - b.id),
      nextCategoryId: this.nextCategoryId,
      nextInstrumentId: this.nextInstrumentId,
    };
  }

  restore(snapshot: unknown): void {
    if (!isCatalogState(snapshot)) throw new Error('The catalog state file does not hold a catalog snapshot.');
    this.load(snapshot);
  }

  private load(state: CatalogState): void {
    this.categories = new Map(state.categories.map((c) => [c.id, { ...c }]));
    this.instruments = new Map(
      state.instruments.map((i) => [i.id, { ...i, alternateNames: [...i.alternateNames] }]),
    );
    // Never hand out an id that is already taken, even if the file's counters are stale.
    const maxCategory = Math.max(0, ...this.categories.keys());
    let maxInstrument = 0;
    for (const id of this.instruments.keys()) if (id > maxInstrument) maxInstrument = id;
    this.nextCategoryId = Math.max(state.nextCategoryId, maxCategory + 1);
    this.nextInstrumentId = Math.max(state.nextInstrumentId, maxInstrument + 1);
    this.sortedCache = undefined;
  }
}

function isCatalogState(value: unknown): value is CatalogState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<CatalogState>;
  return (
    Array.isArray(v.categories) &&
    Array.isArray(v.instruments) &&
    typeof v.nextCategoryId === 'number' &&
    typeof v.nextInstrumentId === 'number' &&
    v.instruments.every(
      (i) =>
        typeof i?.id === 'number' &&
        typeof i.name === 'string' &&
        typeof i.ownerId === 'number' &&
        typeof i.categoryId === 'number' &&
        Array.isArray(i.alternateNames),
    )
  );
}
