import type { PersistentStore } from '../common/emulator-server';

/**
 * Firestore-like storage of `organizations/{org}/instruments/{instrument_id}` documents.
 * Documents are schemaless maps; writes are `set(data, merge=True)`, so nested maps merge
 * key by key and everything else (arrays included) is replaced.
 */
export type Fields = Record<string, unknown>;

export interface ListQuery {
  limit: number;
  /** Field path (dots for nested maps). */
  orderBy?: string;
  desc: boolean;
}

interface Snapshot {
  version: 1;
  organizations: Record<string, Record<string, Fields>>;
}

const isMap = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeInto(target: Fields, patch: Fields): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isMap(value) && isMap(current)) mergeInto(current, value);
    // Primitives need no copy; cloning only objects keeps bulk loads of 100k documents fast.
    else target[key] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
}

/** Firestore's cross-type order: null < booleans < numbers < strings < arrays < maps. */
function typeRank(v: unknown): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 4;
  if (Array.isArray(v)) return 8;
  return 9;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number(!Number.isNaN(a)) - Number(!Number.isNaN(b));
    return a - b;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
      const c = compareValues(a[ka[i]!], b[kb[i]!]);
      if (c !== 0) return c;
    }
    return ka.length - kb.length;
  }
  return 0;
}

function fieldAt(doc: Fields, path: string): { found: boolean; value: unknown } {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (!isMap(current) || !Object.hasOwn(current, part)) return { found: false, value: undefined };
    current = current[part];
  }
  return { found: true, value: current };
}

export class InstrumentStore implements PersistentStore {
  private organizations = new Map<string, Map<string, Fields>>();
  /** Document ids in Firestore's default order, rebuilt lazily after inserts and deletes. */
  private sortedIds = new Map<string, string[]>();

  private collection(org: string): Map<string, Fields> {
    let docs = this.organizations.get(org);
    if (!docs) {
      docs = new Map();
      this.organizations.set(org, docs);
    }
    return docs;
  }

  /** Create or merge-update one document. */
  upsert(org: string, docId: string, data: Fields): void {
    const docs = this.collection(org);
    const existing = docs.get(docId);
    if (existing) {
      mergeInto(existing, data);
      return;
    }
    const doc: Fields = {};
    mergeInto(doc, data);
    docs.set(docId, doc);
    this.sortedIds.delete(org);
  }

  /** Firestore deletes are idempotent: deleting a missing document is not an error. */
  delete(org: string, docId: string): void {
    if (this.organizations.get(org)?.delete(docId)) this.sortedIds.delete(org);
  }

  /** The document as a read returns it: its fields plus `id` (the document id wins over a stored `id`). */
  get(org: string, docId: string): Fields | undefined {
    const doc = this.organizations.get(org)?.get(docId);
    return doc ? { ...structuredClone(doc), id: docId } : undefined;
  }

  count(org: string): number {
    return this.organizations.get(org)?.size ?? 0;
  }

  /**
   * A collection query. Without `orderBy` Firestore returns documents by id; with it, documents
   * lacking the field are left out (a Firestore rule clients trip over) and ties fall back to the
   * id in the same direction.
   */
  list(org: string, query: ListQuery): Fields[] {
    const docs = this.organizations.get(org);
    if (!docs || query.limit === 0) return [];
    let ids: string[];
    if (query.orderBy === undefined) {
      ids = this.idsInOrder(org, docs);
      if (query.desc) ids = ids.slice(-query.limit).reverse();
      else ids = ids.slice(0, query.limit);
    } else {
      const path = query.orderBy;
      const keyed: { id: string; value: unknown }[] = [];
      for (const [id, doc] of docs) {
        const f = fieldAt(doc, path);
        if (f.found) keyed.push({ id, value: f.value });
      }
      const sign = query.desc ? -1 : 1;
      keyed.sort((a, b) => sign * (compareValues(a.value, b.value) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
      ids = keyed.slice(0, query.limit).map((k) => k.id);
    }
    return ids.map((id) => this.get(org, id)!);
  }

  private idsInOrder(org: string, docs: Map<string, Fields>): string[] {
    let ids = this.sortedIds.get(org);
    if (!ids) {
      ids = [...docs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.sortedIds.set(org, ids);
    }
    return ids;
  }

  snapshot(): Snapshot {
    const organizations: Snapshot['organizations'] = {};
    for (const [org, docs] of this.organizations) organizations[org] = Object.fromEntries(docs);
    return { version: 1, organizations };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as Partial<Snapshot> | null;
    if (!s || s.version !== 1 || !isMap(s.organizations)) {
      throw new Error('Cannlytics state file is not a version 1 snapshot');
    }
    this.organizations = new Map();
    this.sortedIds = new Map();
    for (const [org, docs] of Object.entries(s.organizations)) {
      if (!isMap(docs)) throw new Error(`Cannlytics state file: organization "${org}" is not a map`);
      this.organizations.set(org, new Map(Object.entries(docs as Record<string, Fields>)));
    }
  }
}
