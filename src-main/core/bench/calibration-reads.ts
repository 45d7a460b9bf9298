import { sql } from 'kysely';
import type { BoardRowDto, ScheduleDto, SchedulesReply } from '../../../src-shared/contract/bench';
import { placeField, remoteCompletionField, schedulesLiveOnRemote } from '../../../src-shared/domain/bench-acts';
import { type DueStatus, readRemoteSchedules, REMOTE_SCHEDULES_FIELD, standing, worstStatus } from '../../../src-shared/domain/calibration';
import type { RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { systemProfile } from '../../../src-shared/domain/remotes';
import type { Db } from '../db/schema';
import { UserFacingError } from '../errors';
import { parseFields } from '../json';

/** A record as the board needs it. */
interface BoardRecord {
  id: string;
  title: string;
  kind: string;
  fields: string;
  remote_id: string | null;
  connection_id: string;
  connection_name: string;
  system: string;
  base_url: string;
}

/** One schedule of one record, before its standing is computed. */
export interface ScheduleOfRecord {
  record: BoardRecord;
  name: string;
  intervalDays: number;
  warningDays: number;
  createdAt: string;
  updatedAt: string;
  lives: 'remote' | 'local';
}

const RECORD_COLUMNS = ['r.id', 'r.title', 'r.kind', 'r.fields', 'r.remote_id', 'r.connection_id', 'c.name as connection_name', 'c.system', 'c.base_url'] as const;

/** A log entry that an undo entry points at does not count. */
const notUndone = sql<boolean>`NOT EXISTS (SELECT 1 FROM bench_log u WHERE u.undoes = b.id)`;

export const livesText = (lives: 'remote' | 'local', system: SystemId) =>
  lives === 'remote'
    ? `Kept on the ${systemProfile(system).label} record (its “${REMOTE_SCHEDULES_FIELD}” field), so every bench syncing it sees them.`
    : `Kept on this workstation only (${systemProfile(system).label} has no place for them); export them as CSV to take them to another bench.`;

/**
 * Reads of schedules, their last completions and the board (docs/calibration.md). Next due and
 * status come from the pure rules in src-shared/domain/calibration.ts; `now` is when "today" is.
 */
export class CalibrationReads {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Every schedule of every live record (or of one record), wherever it lives. */
  async schedulesOf(recordId?: string): Promise<ScheduleOfRecord[]> {
    let local = this.db
      .selectFrom('maintenance_schedules as m')
      .innerJoin('records as r', 'r.id', 'm.record_id')
      .innerJoin('connections as c', 'c.id', 'r.connection_id')
      .select([...RECORD_COLUMNS, 'm.name', 'm.interval_days', 'm.warning_days', 'm.created_at', 'm.updated_at'])
      .where('r.deleted', '=', 0)
      .orderBy('m.id');
    let remote = this.db
      .selectFrom('records as r')
      .innerJoin('connections as c', 'c.id', 'r.connection_id')
      .select(RECORD_COLUMNS)
      .where('c.system', '=', 'cannlytics')
      .where('r.kind', '=', 'instrument')
      .where('r.deleted', '=', 0)
      .where(sql<boolean>`json_extract(r.fields, ${`$.${REMOTE_SCHEDULES_FIELD}`}) IS NOT NULL`);
    if (recordId) {
      local = local.where('r.id', '=', recordId);
      remote = remote.where('r.id', '=', recordId);
    }
    const out: ScheduleOfRecord[] = [];
    for (const r of await local.execute()) {
      const { name, interval_days, warning_days, created_at, updated_at, ...record } = r;
      // A schedule kept here for a record that moved to a system that keeps its own is not shown twice.
      if (schedulesLiveOnRemote(record.system as SystemId, record.kind as RecordKind)) continue;
      out.push({ record, name, intervalDays: interval_days, warningDays: warning_days, createdAt: created_at, updatedAt: updated_at, lives: 'local' });
    }
    for (const record of await remote.execute()) {
      for (const s of readRemoteSchedules(parseFields(record.fields)[REMOTE_SCHEDULES_FIELD]).schedules) {
        out.push({ record, name: s.name, intervalDays: s.interval_days, warningDays: s.warning_days, createdAt: s.created_at, updatedAt: s.updated_at, lives: 'remote' });
      }
    }
    return out;
  }

  /** The last completion per record and schedule (lower-cased) in the bench log, undone acts left out. */
  private async loggedCompletions(recordId?: string): Promise<Map<string, string>> {
    let q = this.db
      .selectFrom('bench_log as b')
      .select(['b.record_id', sql<string>`lower(b.schedule)`.as('schedule'), sql<string>`max(b.at)`.as('at')])
      .where('b.act', '=', 'calibrate')
      .where(notUndone)
      .groupBy(['b.record_id', sql`lower(b.schedule)`]);
    if (recordId) q = q.where('b.record_id', '=', recordId);
    const out = new Map<string, string>();
    for (const r of await q.execute()) out.set(`${r.record_id}\n${r.schedule}`, r.at);
    return out;
  }

  /** A schedule's last completion: the remote's field where it records one (Cannlytics `calibrated_at`), else the bench log. */
  private lastDone(s: ScheduleOfRecord, logged: Map<string, string>): { at: string | null; from: ScheduleDto['lastDoneFrom'] } {
    const field = remoteCompletionField(s.record.system as SystemId, s.record.kind as RecordKind, s.name);
    if (field) {
      const v = parseFields(s.record.fields)[field];
      return typeof v === 'string' && v !== '' ? { at: v, from: 'remote' } : { at: null, from: 'none' };
    }
    const at = logged.get(`${s.record.id}\n${s.name.toLowerCase()}`) ?? null;
    return { at, from: at ? 'log' : 'none' };
  }

  async board(filter: { connectionId?: string; location?: string } = {}): Promise<BoardRowDto[]> {
    const schedules = await this.schedulesOf();
    const logged = await this.loggedCompletions();
    const places = await this.placesOf(schedules.map((s) => s.record));
    const now = this.now();
    const rows: BoardRowDto[] = [];
    for (const s of schedules) {
      if (filter.connectionId && s.record.connection_id !== filter.connectionId) continue;
      const location = places.get(s.record.id) ?? '';
      if (filter.location !== undefined && filter.location.trim().toLowerCase() !== location.trim().toLowerCase()) continue;
      const last = this.lastDone(s, logged);
      const st = standing(s, last.at, now);
      rows.push({
        recordId: s.record.id,
        schedule: s.name,
        ...st,
        title: s.record.title,
        connectionId: s.record.connection_id,
        connectionName: s.record.connection_name,
        system: s.record.system as SystemId,
        location,
        intervalDays: s.intervalDays,
        warningDays: s.warningDays,
        lives: s.lives,
      });
    }
    return rows;
  }

  /** One record's schedules and standing, and where they live. */
  async schedules(recordId: string): Promise<SchedulesReply> {
    const rec = await this.db
      .selectFrom('records as r')
      .innerJoin('connections as c', 'c.id', 'r.connection_id')
      .select(['r.id', 'r.kind', 'r.fields', 'c.system'])
      .where('r.id', '=', recordId)
      .executeTakeFirst();
    if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
    const system = rec.system as SystemId;
    const lives = schedulesLiveOnRemote(system, rec.kind as RecordKind) ? 'remote' : 'local';
    const found = await this.schedulesOf(recordId);
    const logged = await this.loggedCompletions(recordId);
    const now = this.now();
    const schedules: ScheduleDto[] = found.map((s) => {
      const last = this.lastDone(s, logged);
      return { name: s.name, intervalDays: s.intervalDays, warningDays: s.warningDays, ...standing(s, last.at, now), lastDoneFrom: last.from, createdAt: s.createdAt, updatedAt: s.updatedAt };
    });
    const skipped = lives === 'remote' ? readRemoteSchedules(parseFields(rec.fields)[REMOTE_SCHEDULES_FIELD]).skipped : 0;
    return { recordId, lives, livesText: livesText(lives, system), schedules, worst: worstStatus(schedules.map((s) => s.status)), skipped };
  }

  /** The record's worst schedule status; null without schedules. */
  async worst(recordId: string): Promise<DueStatus | null> {
    return (await this.schedules(recordId)).worst;
  }

  /**
   * Where each record is: its remote's location field (a BrainSTEM setup's name, a Cannlytics
   * area), else the last place it was moved to in the bench log.
   */
  private async placesOf(records: readonly BoardRecord[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const setupNames = new Map<string, Map<string, string>>();
    const unplaced: string[] = [];
    for (const r of records) {
      if (out.has(r.id)) continue;
      const field = placeField(r.system as SystemId, r.kind as RecordKind);
      const value = field ? parseFields(r.fields)[field] : undefined;
      if (field === 'setup' && value !== undefined && value !== null && value !== '') {
        let names = setupNames.get(r.connection_id);
        if (!names) {
          const rows = await this.db.selectFrom('categories').select(['remote_id', 'name']).where('connection_id', '=', r.connection_id).where('source', '=', 'setups').execute();
          names = new Map(rows.map((x) => [x.remote_id, x.name]));
          setupNames.set(r.connection_id, names);
        }
        out.set(r.id, names.get(String(value)) ?? '');
      } else if (typeof value === 'string' && value.trim() !== '') out.set(r.id, value);
      else unplaced.push(r.id);
    }
    if (unplaced.length > 0) {
      const moves = await this.db
        .selectFrom('bench_log as b')
        .select(['b.record_id', 'b.place'])
        .where('b.act', '=', 'move')
        .where(notUndone)
        .where('b.record_id', 'in', unplaced)
        .orderBy('b.id')
        .execute();
      for (const m of moves) if (m.place) out.set(m.record_id, m.place);
    }
    return out;
  }

  /** Places a move can go to: BrainSTEM setups by name (not those refused to this account), Cannlytics areas in the mirror, places used before. */
  async places(): Promise<{ name: string; systems: SystemId[] }[]> {
    const found = new Map<string, { name: string; systems: Set<SystemId> }>();
    const add = (name: string | null, system: string | null) => {
      const n = (name ?? '').trim();
      if (!n) return;
      const key = n.toLowerCase();
      const entry = found.get(key) ?? { name: n, systems: new Set<SystemId>() };
      if (system) entry.systems.add(system as SystemId);
      found.set(key, entry);
    };
    const setups = await this.db
      .selectFrom('categories as k')
      .innerJoin('connections as c', 'c.id', 'k.connection_id')
      .select(['k.name', 'c.system'])
      .where('c.system', '=', 'brainstem')
      .where('k.source', '=', 'setups')
      .where('k.write_refused_at', 'is', null)
      .execute();
    for (const s of setups) add(s.name, s.system);
    const areas = await this.db
      .selectFrom('records as r')
      .innerJoin('connections as c', 'c.id', 'r.connection_id')
      .select([sql<string | null>`json_extract(r.fields, '$.area_name')`.as('area'), 'c.system'])
      .distinct()
      .where('c.system', '=', 'cannlytics')
      .where('r.deleted', '=', 0)
      .execute();
    for (const a of areas) add(typeof a.area === 'string' ? a.area : null, a.system);
    const used = await this.db
      .selectFrom('bench_log as b')
      .leftJoin('connections as c', 'c.id', 'b.connection_id')
      .select(['b.place', 'c.system'])
      .distinct()
      .where('b.place', 'is not', null)
      .execute();
    for (const u of used) add(u.place, u.system);
    return [...found.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => ({ name: p.name, systems: [...p.systems].sort() }));
  }
}
