import type { Fields } from '../../src-shared/domain/record-kinds';
import type { Random } from '../sandbox/common/random';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startBrainstemEmulator } from '../sandbox/brainstem/brainstem-emulator';
import { startCannlyticsEmulator } from '../sandbox/cannlytics/cannlytics-emulator';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';

/**
 * What the torture needs to know about each remote: how to connect, how to draw valid records and
 * changes (valid per the remote's rules, already in the form the server normalises them to), and
 * how to read back over HTTP what the remote holds of the torture's records.
 *
 * Every record the torture makes carries a marker that no edit removes (Catalog: the description's
 * prefix; BrainSTEM: the notes' prefix; Cannlytics: the instrument_id itself), so remote copies
 * can be counted per intended record whatever was renamed.
 */
export type TortureSystemId = 'catalog' | 'cannlytics' | 'brainstem';

export interface Started {
  emulator: RunningEmulator;
  /** Per-trial facts, e.g. the BrainSTEM setup the member contributes to. */
  facts: Record<string, string>;
}

export interface TortureSystem {
  id: TortureSystemId;
  kind: 'instrument' | 'equipment';
  /** The fields intent is tracked for and compared on. */
  tracked: readonly string[];
  /** The method a write of an existing record uses (for one-shot faults on "the next update"). */
  updateMethod: string;
  createMethod: string;
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
  kind: 'equipment',
  tracked: ['name', 'notes', 'coordinates_details'],
  updateMethod: 'PATCH',
  createMethod: 'POST',
  async start(seed, scale) {
    // BrainSTEM has no published limit; the emulator applies one only when asked, so none here.
    void scale;
    const emulator = await startBrainstemEmulator({ seed });
    const setups = (await getJson(`${emulator.baseUrl}/api/private/personal_attributes/setup/?limit=100`, emulator.users.member!)).setups as { id: string; name: string }[];
    // The member contributes to Ephys Rig 2 (demo data), so may write equipment there.
    const setup = setups.find((x) => x.name.startsWith('Ephys Rig 2'));
    if (!setup) throw new Error('BrainSTEM demo data changed: no "Ephys Rig 2" setup');
    return { emulator, facts: { setup: setup.id } };
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

const coordinates = (r: Random) => ({ x: r.int(0, 200) / 100, y: r.int(0, 200) / 100, z: r.int(0, 200) / 100 });

export const TORTURE_SYSTEMS: readonly TortureSystem[] = [catalog, cannlytics, brainstem];
