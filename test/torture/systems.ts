import type { Fields, SystemId } from '../../src-shared/domain/record-kinds';
import type { Random } from '../sandbox/common/random';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startBrainstemEmulator } from '../sandbox/brainstem/brainstem-emulator';
import { startCannlyticsEmulator } from '../sandbox/cannlytics/cannlytics-emulator';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import { CONSUMABLE_DETAILS } from '../../src-shared/domain/remotes/brainstem-consumable';
import { CONSUMABLE_TYPES } from '../../src-shared/domain/remotes/brainstem-schemas';

/**
 * What the torture needs to know about each remote: how to connect, how to draw valid records and
 * changes (valid per the remote's rules, already in the form the server normalises them to), and
 * how to read back over HTTP what the remote holds of the torture's records.
 *
 * Every record the torture makes carries a marker that no edit removes (Catalog: the description's
 * prefix; BrainSTEM equipment: the notes' prefix; BrainSTEM consumables: the description's prefix;
 * Cannlytics: the instrument_id itself), so remote copies can be counted per intended record
 * whatever was renamed.
 */
export type TortureSystemId = 'catalog' | 'cannlytics' | 'brainstem' | 'consumables';

export interface Started {
  emulator: RunningEmulator;
  /** Per-trial facts, e.g. the BrainSTEM setup the member contributes to. */
  facts: Record<string, string>;
}

export interface TortureSystem {
  id: TortureSystemId;
  /** The app's system the connection is made for (BrainSTEM equipment and consumables are both 'brainstem'). */
  appSystem: SystemId;
  /**
   * Another torture system's remote and connection this one uses (BrainSTEM consumables live
   * beside the equipment, on one BrainSTEM with one account); `start` is then not called.
   */
  sameRemoteAs?: TortureSystemId;
  kind: 'instrument' | 'equipment' | 'consumable';
  /** The fields intent is tracked for and compared on. */
  tracked: readonly string[];
  /** The method a write of an existing record uses (for one-shot faults on "the next update"). */
  updateMethod: string;
  createMethod: string;
  /** Narrows those one-shot faults to the record's own routes where other writes share the method. */
  updatePath?: string;
  createPath?: string;
  /** The trial user may delete (BrainSTEM consumables: only administrators may). */
  memberDeletes: boolean;
  /**
   * Writes file proposals an administrator accepts or rejects (BrainSTEM consumables): the trial
   * plays the administrator (see `proposals.ts`).
   */
  proposals?: ProposalRemote;
  start(seed: number, rateLimitScale: number): Promise<Started>;
  connection(s: Started): { settings: Record<string, string>; apiKey: string };
  newRecord(r: Random, marker: string, s: Started): Fields;
  /** A random change of one or more tracked fields; `rename` changes the name only. */
  change(r: Random, current: Fields, rename: boolean): Fields;
  markerOf(remote: Fields): string | undefined;
  /** Every remote record the trial user can read (demo data too), over HTTP with their key. */
  readRemote(s: Started): Promise<Fields[]>;
  /** The remote's own id of a record it returned. */
  remoteIdOf(remote: Fields): string;
  /** Creates a record straight on the remote (data that existed before the app connected). */
  seedRemote(s: Started, fields: Fields): Promise<void>;
}

const NOUNS = ['centrifuge', 'balance', 'incubator', 'spectrometer', 'pipette', 'microscope', 'shaker', 'oven', 'pump', 'camera', 'sonicator', 'vortexer'];
const ADJECTIVES = ['benchtop', 'cold-room', 'shared', 'spare', 'calibrated', 'portable', 'north', 'south', 'old', 'new', 'quiet', 'fast'];
const VENDORS = ['Eppendorf', 'Thermo', 'Sartorius', 'Agilent', 'Bruker', 'Mettler', 'Binder', 'Olympus', 'Zeiss', 'Waters'];
const NOTES = ['calibrated monthly', 'booked via calendar', 'keep lid closed', 'service due', 'do not move', 'check seals', 'spare rotor in drawer B'];

const token = (r: Random) => r.int(0, 36 ** 4 - 1).toString(36).padStart(4, '0');
const title = (r: Random) => `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)} ${r.pick(VENDORS)} ${token(r)}`;
const phrase = (r: Random) => `${r.pick(NOTES)}; ${r.pick(NOTES)} (${token(r)})`;

/** A non-empty random subset of `keys` (all of them when `r` says so). */
function someOf<T>(r: Random, keys: readonly T[]): T[] {
  const out = keys.filter(() => r.chance(0.5));
  return out.length > 0 ? out : [r.pick(keys)];
}

async function getJson(url: string, key: string): Promise<any> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}

async function postJson(url: string, key: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
}

const markerPrefix = (text: unknown) => /^(tt-[a-z0-9]+-\d+):/.exec(String(text ?? ''))?.[1];

const catalog: TortureSystem = {
  id: 'catalog',
  appSystem: 'catalog',
  memberDeletes: true,
  kind: 'instrument',
  tracked: ['name', 'description', 'category_id', 'alternate_names'],
  updateMethod: 'PUT',
  createMethod: 'POST',
  async start(seed, scale) {
    return { emulator: await startCatalogEmulator({ seed, rateLimitScale: scale }), facts: {} };
  },
  connection: (s) => ({ settings: {}, apiKey: s.emulator.users.member! }),
  newRecord: (r, marker) => ({
    name: title(r),
    description: `${marker}: ${phrase(r)}`,
    category_id: r.int(1, 4),
    alternate_names: catalogAlternates(r),
  }),
  change(r, current, rename) {
    const keys = rename ? ['name'] : someOf(r, ['name', 'description', 'category_id', 'alternate_names'] as const);
    const out: Fields = {};
    for (const k of keys) {
      if (k === 'name') out.name = title(r);
      if (k === 'description') out.description = `${markerPrefix(current.description)}: ${phrase(r)}`;
      if (k === 'category_id') out.category_id = r.int(1, 4);
      if (k === 'alternate_names') out.alternate_names = catalogAlternates(r);
    }
    return out;
  },
  markerOf: (remote) => markerPrefix(remote.description),
  async readRemote(s) {
    return (await getJson(`${s.emulator.baseUrl}/instruments/`, s.emulator.users.member!)).data as Fields[];
  },
  remoteIdOf: (remote) => String(remote.id),
  seedRemote: (s, fields) => postJson(`${s.emulator.baseUrl}/instruments/`, s.emulator.users.member!, fields),
};

/** 0-3 distinct alternate names, never equal to a title (they have no vendor word). */
function catalogAlternates(r: Random): string[] {
  return [...new Set(Array.from({ length: r.int(0, 3) }, () => `aka ${r.pick(NOUNS)} ${token(r)}`))];
}

const CANNLYTICS_ORG = 'test-company';

const cannlytics: TortureSystem = {
  id: 'cannlytics',
  appSystem: 'cannlytics',
  memberDeletes: true,
  kind: 'instrument',
  tracked: ['name', 'vendor', 'description', 'area_name'],
  updateMethod: 'POST',
  createMethod: 'POST',
  async start(seed, scale) {
    return { emulator: await startCannlyticsEmulator({ seed, rateLimitScale: scale }), facts: {} };
  },
  // The owner may delete; a team member may not.
  connection: (s) => ({ settings: { organizationId: CANNLYTICS_ORG }, apiKey: s.emulator.users.owner! }),
  newRecord: (r, marker) => ({
    instrument_id: marker,
    name: title(r),
    vendor: r.pick(VENDORS),
    description: phrase(r),
    area_name: `Room B${r.int(100, 299)}`,
  }),
  change(r, _current, rename) {
    const keys = rename ? ['name'] : someOf(r, ['name', 'vendor', 'description', 'area_name'] as const);
    const out: Fields = {};
    for (const k of keys) {
      if (k === 'name') out.name = title(r);
      if (k === 'vendor') out.vendor = `${r.pick(VENDORS)} ${token(r)}`;
      if (k === 'description') out.description = phrase(r);
      if (k === 'area_name') out.area_name = `Room C${r.int(100, 299)}-${token(r)}`;
    }
    return out;
  },
  markerOf: (remote) => (/^tt-[a-z0-9]+-\d+$/.test(String(remote.instrument_id ?? '')) ? String(remote.instrument_id) : undefined),
  async readRemote(s) {
    const url = `${s.emulator.baseUrl}/instruments?organization_id=${CANNLYTICS_ORG}&limit=1000`;
    return (await getJson(url, s.emulator.users.owner!)).data as Fields[];
  },
  remoteIdOf: (remote) => String(remote.id ?? remote.instrument_id),
  seedRemote: (s, fields) => postJson(`${s.emulator.baseUrl}/instruments?organization_id=${CANNLYTICS_ORG}`, s.emulator.users.owner!, fields),
};

const EQUIPMENT = '/api/private/modules/equipment/';

const brainstem: TortureSystem = {
  id: 'brainstem',
  appSystem: 'brainstem',
  memberDeletes: true,
  kind: 'equipment',
  tracked: ['name', 'notes', 'coordinates_details'],
  updateMethod: 'PATCH',
  createMethod: 'POST',
  // Consumables and their approvals share the methods on this remote.
  updatePath: EQUIPMENT,
  createPath: EQUIPMENT,
  async start(seed, scale) {
    // BrainSTEM has no published limit; the emulator applies one only when asked, so none here.
    void scale;
    const emulator = await startBrainstemEmulator({ seed });
    const setups = (await getJson(`${emulator.baseUrl}/api/private/personal_attributes/setup/?limit=100`, emulator.users.member!)).setups as { id: string; name: string }[];
    // The member contributes to Ephys Rig 2 (demo data), so may write equipment there.
    const setup = setups.find((x) => x.name.startsWith('Ephys Rig 2'));
    if (!setup) throw new Error('BrainSTEM demo data changed: no "Ephys Rig 2" setup');
    // For the consumables on the same remote.
    const suppliers = (await getJson(`${emulator.baseUrl}/api/private/resources/supplier/?limit=100`, emulator.users.member!)).suppliers as { id: string }[];
    if (suppliers.length === 0) throw new Error('BrainSTEM demo data changed: no suppliers');
    return { emulator, facts: { setup: setup.id, suppliers: suppliers.map((x) => x.id).join(',') } };
  },
  connection: (s) => ({ settings: {}, apiKey: s.emulator.users.member! }),
  newRecord: (r, marker, s) => ({
    name: title(r),
    type: 'Camera',
    setup: s.facts.setup!,
    coordinates_system: 'External_XYZ_Absolute',
    coordinates_details: coordinates(r),
    notes: `${marker}: ${phrase(r)}`,
  }),
  change(r, current, rename) {
    const keys = rename ? ['name'] : someOf(r, ['name', 'notes', 'coordinates_details'] as const);
    const out: Fields = {};
    for (const k of keys) {
      if (k === 'name') out.name = title(r);
      if (k === 'notes') out.notes = `${markerPrefix(current.notes)}: ${phrase(r)}`;
      if (k === 'coordinates_details') out.coordinates_details = coordinates(r);
    }
    return out;
  },
  markerOf: (remote) => markerPrefix(remote.notes),
  async readRemote(s) {
    const out: Fields[] = [];
    for (let offset = 0; offset < 10_000; offset += 100) {
      const page = await getJson(`${s.emulator.baseUrl}${EQUIPMENT}?limit=100&offset=${offset}`, s.emulator.users.member!);
      out.push(...(page.equipment as Fields[]));
      if (!page.next) break;
    }
    return out;
  },
  remoteIdOf: (remote) => String(remote.id),
  seedRemote: (s, fields) => postJson(`${s.emulator.baseUrl}${EQUIPMENT}`, s.emulator.users.member!, fields),
};

// ---- BrainSTEM consumables -------------------------------------------------------------------

/** How the trial's administrator reaches a remote whose writes are proposals (over HTTP, with the admin's key). */
export interface ProposalRemote {
  /** Every approval the administrator can see (all users', every state). */
  readApprovals(s: Started): Promise<RemoteApprovalRow[]>;
  /** PATCH accept/reject; throws on any failure (the outcome is then read back by the next scan). */
  decide(s: Started, approvalId: string, verdict: 'accept' | 'reject'): Promise<void>;
  /** The path a decision on this approval is sent to (for a one-shot lost reply on the reviewer's decision). */
  decisionPath(approvalId: string): string;
  /** A reviewer connection (an administrator's token with the reviewer setting). */
  reviewer(s: Started): { settings: Record<string, string>; apiKey: string };
}

export interface RemoteApprovalRow {
  id: string;
  action: 'Add' | 'Change';
  status: 'Pending' | 'Accepted' | 'Rejected' | string;
  instance_id: string | null;
  fields: Fields;
}

const CONSUMABLE = '/api/private/resources/consumable/';
const CONSUMABLE_APPROVALS = '/api/private/resources/consumableapproval/';
const CONSUMABLE_NOUNS = ['cannula', 'probe', 'syringe', 'fixative', 'buffer', 'electrode', 'lens', 'ferrule', 'cement', 'antibody', 'virus', 'suture'];

const consumableName = (r: Random) => `${r.pick(ADJECTIVES)} ${r.pick(CONSUMABLE_NOUNS)} ${r.pick(VENDORS)} ${token(r)}`;

/** `details` as the types with a documented shape spell them, any small object for the others; each carries a fresh token. */
function consumableDetails(r: Random, type: string): Record<string, unknown> {
  const specs = CONSUMABLE_DETAILS[type];
  if (!specs) return r.chance(0.3) ? {} : { lot: `L-${token(r)}` };
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.kind === 'text') out[spec.key] = `${spec.key}-${token(r)}`;
    if (spec.kind === 'number' && r.chance(0.7)) out[spec.key] = r.int(1, 4000) / 10;
    if (spec.kind === 'integer' && r.chance(0.7)) out[spec.key] = r.int(1, 64);
    if (spec.kind === 'boolean' && r.chance(0.5)) out[spec.key] = r.chance(0.5);
  }
  return out;
}

const rrid = (r: Random) => (r.chance(0.4) ? '' : `RRID:SCR_${token(r)}`);

function externalIds(r: Random): unknown[] {
  return Array.from({ length: r.int(0, 2) }, (_, i) => {
    const id = `10.${r.int(1000, 9999)}/${token(r)}.${i}`;
    return r.chance(0.5) ? { Source: 'DOI', Identifier: id, URL: `https://doi.org/${id}` } : { Source: 'NCBI', Identifier: `NC_${token(r)}` };
  });
}

const suppliersOf = (s: Started) => s.facts.suppliers!.split(',');

async function sendJson(method: string, url: string, key: string, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(3_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

async function pagedAdmin(s: Started, path: string, key: string): Promise<Fields[]> {
  const out: Fields[] = [];
  for (let offset = 0; offset < 10_000; offset += 100) {
    const page = await sendJson('GET', `${s.emulator.baseUrl}${path}?limit=100&offset=${offset}`, s.emulator.users.admin!);
    out.push(...(page[key] as Fields[]));
    if (!page.next) break;
  }
  return out;
}

/**
 * BrainSTEM consumables, on the equipment's BrainSTEM through the same member connection (every
 * create and change a proposal), decided by an administrator the trial plays over HTTP, and
 * optionally by the app itself through a reviewer connection. Names have a random token, so
 * they stay unique.
 */
const consumables: TortureSystem = {
  id: 'consumables',
  appSystem: 'brainstem',
  sameRemoteAs: 'brainstem',
  kind: 'consumable',
  tracked: ['name', 'type', 'supplier', 'description', 'details', 'rrid', 'external_identifiers'],
  updateMethod: 'PATCH',
  createMethod: 'POST',
  // Not the approval routes (`consumableapproval/`), where decisions are PATCHed too.
  updatePath: CONSUMABLE,
  createPath: CONSUMABLE,
  memberDeletes: false,
  start() {
    throw new Error('consumables share the BrainSTEM equipment remote (sameRemoteAs)');
  },
  connection: (s) => ({ settings: {}, apiKey: s.emulator.users.member! }),
  newRecord(r, marker, s) {
    const type = r.pick(CONSUMABLE_TYPES);
    const fields: Fields = {
      name: consumableName(r),
      type,
      supplier: r.pick(suppliersOf(s)),
      description: `${marker}: ${phrase(r)}`,
      details: consumableDetails(r, type),
      rrid: rrid(r),
      external_identifiers: externalIds(r),
    };
    // The comment for the reviewers is part of the proposal only (not tracked: the live record has none).
    if (r.chance(0.5)) fields.comments = `please add (${token(r)})`;
    return fields;
  },
  change(r, current, rename) {
    const keys = rename ? ['name'] : someOf(r, ['name', 'description', 'type', 'details', 'rrid', 'external_identifiers'] as const);
    const out: Fields = {};
    for (const k of keys) {
      if (k === 'name') out.name = consumableName(r);
      if (k === 'description') out.description = `${markerPrefix(current.description)}: ${phrase(r)}`;
      if (k === 'type') {
        // A new type comes with details of its shape.
        out.type = r.pick(CONSUMABLE_TYPES.filter((t) => t !== current.type));
        out.details = consumableDetails(r, String(out.type));
      }
      if (k === 'details') out.details = consumableDetails(r, String(out.type ?? current.type));
      if (k === 'rrid') out.rrid = `RRID:SCR_${token(r)}`;
      if (k === 'external_identifiers') out.external_identifiers = externalIds(r);
    }
    return out;
  },
  markerOf: (remote) => markerPrefix(remote.description),
  readRemote: (s) => pagedAdmin(s, CONSUMABLE, 'consumables'),
  remoteIdOf: (remote) => String(remote.id),
  async seedRemote(s, fields) {
    // Live before the app connects: proposed by the member, accepted by the administrator.
    const reply = await sendJson('POST', `${s.emulator.baseUrl}${CONSUMABLE}`, s.emulator.users.member!, fields);
    await sendJson('PATCH', `${s.emulator.baseUrl}${CONSUMABLE_APPROVALS}${reply.consumable_approval.id}/accept/`, s.emulator.users.admin!);
  },
  proposals: {
    async readApprovals(s) {
      return (await pagedAdmin(s, CONSUMABLE_APPROVALS, 'consumable_approvals')).map((a) => {
        const { id, action, status, instance_id, ...fields } = a as Record<string, any>;
        return { id, action, status, instance_id: instance_id ?? null, fields };
      });
    },
    async decide(s, approvalId, verdict) {
      await sendJson('PATCH', `${s.emulator.baseUrl}${CONSUMABLE_APPROVALS}${approvalId}/${verdict}/`, s.emulator.users.admin!);
    },
    decisionPath: (approvalId) => `${CONSUMABLE_APPROVALS}${approvalId}/`,
    reviewer: (s) => ({ settings: { reviewer: 'yes' }, apiKey: s.emulator.users.admin! }),
  },
};

const coordinates = (r: Random) => ({ x: r.int(0, 200) / 100, y: r.int(0, 200) / 100, z: r.int(0, 200) / 100 });

export const TORTURE_SYSTEMS: readonly TortureSystem[] = [catalog, cannlytics, brainstem, consumables];
