import type { PersistentStore } from '../common/emulator-server';

export const SYNTH_TYPES = ['mbe', 'pvd', 'sputter', 'cvd', 'ald', 'pld'] as const;
export type SynthType = (typeof SYNTH_TYPES)[number];

export interface SourceMetadata {
  manufacture_year: number | null;
  serial_identifier: string | null;
  inputs: number | null;
}

/**
 * One synthesis instrument as stored. `id` and `synth_source_id` are two different numbers, as in
 * the docs' example (7 and 42): the SDK calls `synth_source_id` the instrument's id and deletes by
 * it, and the item route is addressed by it too; `id` is only ever read. See docs/remotes/atomscale.md.
 */
export interface StoredInstrument {
  id: number;
  synth_source_id: number;
  organization_id: string;
  source_name: string;
  source_makes_id: number;
  synth_source_type: SynthType;
  source_metadata: SourceMetadata;
  detail_note_content: string | null;
  detail_note_last_updated: string | null;
  user_id: string;
  user_name: string;
  last_updated: string;
}

/** A make is a manufacturer + model pair, shared by all organisations (a catalogue table). */
export interface Make {
  id: number;
  manufacturer: string;
  model: string;
}

export interface NewInstrument {
  organizationId: string;
  userId: string;
  userName: string;
  label: string;
  manufacturer: string;
  model: string;
  type: SynthType;
  metadata: SourceMetadata;
  note?: { content: string; lastUpdated: string };
  lastUpdated: string;
}

interface Snapshot {
  version: 2;
  nextId: number;
  makes: Make[];
  instruments: StoredInstrument[];
}

/**
 * Both numbers are serials shared by every organisation, and the first instrument has the docs'
 * example numbers (`id` 7, `synth_source_id` 42). Ids step by 2 and `synth_source_id` is always
 * `id + 35`: ids are odd and synth_source_ids even, so a client that sends one where the other
 * belongs never hits another instrument by accident, it gets a 404.
 */
const FIRST_ID = 7;
const ID_STEP = 2;
export const SYNTH_SOURCE_ID_OFFSET = 35;

const makeKey = (manufacturer: string, model: string) =>
  `${manufacturer.trim().toLowerCase()}\u0000${model.trim().toLowerCase()}`;

export class SynthesisStore implements PersistentStore {
  /** By `synth_source_id`, in creation order. */
  private instruments = new Map<number, StoredInstrument>();
  private makes: Make[] = [];
  private makesByKey = new Map<string, Make>();
  private nextId = FIRST_ID;

  /** The make for this pair, created on first use (matching ignores case and outer blanks). */
  makeFor(manufacturer: string, model: string): Make {
    const key = makeKey(manufacturer, model);
    let make = this.makesByKey.get(key);
    if (!make) {
      make = { id: this.makes.length + 1, manufacturer, model };
      this.makes.push(make);
      this.makesByKey.set(key, make);
    }
    return make;
  }

  make(id: number): Make | undefined {
    return this.makes[id - 1];
  }

  create(input: NewInstrument): StoredInstrument {
    const make = this.makeFor(input.manufacturer, input.model);
    const id = this.nextId;
    this.nextId += ID_STEP;
    const instrument: StoredInstrument = {
      id,
      synth_source_id: id + SYNTH_SOURCE_ID_OFFSET,
      organization_id: input.organizationId,
      source_name: input.label,
      source_makes_id: make.id,
      synth_source_type: input.type,
      source_metadata: { ...input.metadata },
      detail_note_content: input.note?.content ?? null,
      detail_note_last_updated: input.note?.lastUpdated ?? null,
      user_id: input.userId,
      user_name: input.userName,
      last_updated: input.lastUpdated,
    };
    this.instruments.set(instrument.synth_source_id, instrument);
    return instrument;
  }

  /** By `synth_source_id`. Only the caller's organisation can see an instrument: another org's reads as missing. */
  get(organizationId: string, synthSourceId: number): StoredInstrument | undefined {
    const found = this.instruments.get(synthSourceId);
    return found && found.organization_id === organizationId ? found : undefined;
  }

  /** In creation order, which is id order (a Map keeps insertion order and ids only grow). */
  listFor(organizationId: string): StoredInstrument[] {
    const out: StoredInstrument[] = [];
    for (const instrument of this.instruments.values()) {
      if (instrument.organization_id === organizationId) out.push(instrument);
    }
    return out;
  }

  /** Deletes the given synth_source_ids that belong to the organisation; returns those actually deleted. */
  deleteFor(organizationId: string, synthSourceIds: readonly number[]): number[] {
    const deleted: number[] = [];
    for (const id of synthSourceIds) {
      if (this.get(organizationId, id) && this.instruments.delete(id)) deleted.push(id);
    }
    return deleted;
  }

  snapshot(): Snapshot {
    return { version: 2, nextId: this.nextId, makes: this.makes, instruments: [...this.instruments.values()] };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as (Partial<Omit<Snapshot, 'version'>> & { version?: number }) | null;
    // Version 1 files stored one number for both ids; they load with synth_source_id = id.
    if (!s || (s.version !== 1 && s.version !== 2) || !Array.isArray(s.makes) || !Array.isArray(s.instruments) || typeof s.nextId !== 'number') {
      throw new Error('Atomscale state file is not a version 1 snapshot');
    }
    this.makes = s.makes.map((m) => ({ ...m }));
    this.makesByKey = new Map(this.makes.map((m) => [makeKey(m.manufacturer, m.model), m]));
    this.instruments = new Map(
      [...s.instruments]
        .sort((a, b) => a.id - b.id)
        .map((i) => {
          const synth = i.synth_source_id ?? i.id;
          return [synth, { ...i, synth_source_id: synth, source_metadata: { ...i.source_metadata } }];
        }),
    );
    this.nextId = s.nextId;
  }
}

/** The list object of the docs, keys in the documented order. */
export function fullView(store: SynthesisStore, i: StoredInstrument) {
  const make = store.make(i.source_makes_id);
  return {
    id: i.id,
    source_name: i.source_name,
    source_manufacturer: make?.manufacturer ?? '',
    source_model: make?.model ?? '',
    source_makes_id: i.source_makes_id,
    synth_source_type: i.synth_source_type,
    synth_source_id: i.synth_source_id,
    source_metadata: { ...i.source_metadata },
    detail_note_content: i.detail_note_content,
    detail_note_last_updated: i.detail_note_last_updated,
    user_id: i.user_id,
    user_name: i.user_name,
    last_updated: i.last_updated,
  };
}

/** The reduced object `GET /instruments/synthesis/{id}` documents. */
export function reducedView(i: StoredInstrument) {
  return {
    synth_source_id: i.synth_source_id,
    source_name: i.source_name,
    source_makes_id: i.source_makes_id,
    synth_source_type: i.synth_source_type,
    source_metadata: { ...i.source_metadata },
    user_id: i.user_id,
    last_updated: i.last_updated,
  };
}
