import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actPatch, remoteCompletionField, schedulesLiveOnRemote } from '../../src-shared/domain/bench-acts';
import {
  completionTime,
  DUE_STATUSES,
  dueStatus,
  nextDue,
  readRemoteSchedules,
  remoteSchedulesFor,
  scheduleRule,
  scheduleSet,
  standing,
  worstStatus,
} from '../../src-shared/domain/calibration';

const DAY = 86_400_000;
const FROM = Date.parse('2000-01-01T00:00:00Z');
const TO = Date.parse('2090-01-01T00:00:00Z');
const time = fc.integer({ min: FROM, max: TO });
const rule = fc.integer({ min: 1, max: 3650 }).chain((intervalDays) => fc.record({ intervalDays: fc.constant(intervalDays), warningDays: fc.integer({ min: 0, max: intervalDays }) }));
const status = fc.constantFrom(...DUE_STATUSES);

describe('calibration rules', () => {
  it('next due is the last completion plus the interval, in whole days', () => {
    fc.assert(
      fc.property(time, fc.integer({ min: 1, max: 36_500 }), (last, days) => {
        const due = nextDue(new Date(last).toISOString(), days);
        expect(Date.parse(due!) - last).toBe(days * DAY);
      }),
    );
    expect(nextDue('2024-01-10', 30)).toBe('2024-02-09T00:00:00.000Z');
    // Cannlytics' "never calibrated" is 0 or empty.
    for (const never of [null, '', '0', 'soon']) expect(nextDue(never, 30)).toBeNull();
    expect(completionTime(0)).toBeNull();
  });

  it('status: overdue from the due time on, due soon inside the warning window, ok before; never without a completion', () => {
    fc.assert(
      fc.property(time, rule, time, (last, r, now) => {
        const s = standing(r, new Date(last).toISOString(), now);
        const due = last + r.intervalDays * DAY;
        const expected = now >= due ? 'overdue' : now >= due - r.warningDays * DAY ? 'due_soon' : 'ok';
        expect(s.status).toBe(expected);
      }),
    );
    expect(dueStatus(null, 10, Date.now())).toBe('never');
  });

  it('a later completion never makes a schedule worse (monotone in the last completion)', () => {
    const rank = { ok: 0, due_soon: 1, overdue: 2 } as const;
    fc.assert(
      fc.property(time, fc.integer({ min: 0, max: 400 * DAY }), rule, time, (last, later, r, now) => {
        const a = standing(r, new Date(last).toISOString(), now).status as keyof typeof rank;
        const b = standing(r, new Date(last + later).toISOString(), now).status as keyof typeof rank;
        expect(rank[b]).toBeLessThanOrEqual(rank[a]);
      }),
    );
  });

  it('the worst status is one of the given, at least as bad as each, and order does not matter', () => {
    const severity = { ok: 0, due_soon: 1, never: 2, overdue: 3 } as const;
    fc.assert(
      fc.property(fc.array(status, { maxLength: 12 }), (list) => {
        const worst = worstStatus(list);
        if (list.length === 0) {
          expect(worst).toBeNull();
          return;
        }
        expect(list).toContain(worst);
        for (const s of list) expect(severity[worst!]).toBeGreaterThanOrEqual(severity[s]);
        expect(worstStatus([...list].reverse())).toBe(worst);
      }),
    );
  });

  it('schedule rules: the warning window fits in the interval, names once per record', () => {
    expect(scheduleRule.safeParse({ name: 'calibration', intervalDays: 30, warningDays: 31 }).success).toBe(false);
    expect(scheduleRule.safeParse({ name: ' ', intervalDays: 30, warningDays: 3 }).success).toBe(false);
    expect(scheduleRule.safeParse({ name: 'x', intervalDays: 0, warningDays: 0 }).success).toBe(false);
    const twice = scheduleSet.safeParse([
      { name: 'Calibration', intervalDays: 30, warningDays: 3 },
      { name: 'calibration', intervalDays: 60, warningDays: 3 },
    ]);
    expect(twice.success).toBe(false);
  });

  it('remote schedules round-trip, keep their times when unchanged, and bad entries are skipped', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z ]{0,20}[a-z]$/), r: rule }), { selector: (x) => x.name.toLowerCase(), maxLength: 6 }), (list) => {
        const rules = list.map((x) => ({ name: x.name, ...x.r }));
        const first = remoteSchedulesFor(rules, [], '2024-01-01T00:00:00.000Z');
        const read = readRemoteSchedules(JSON.parse(JSON.stringify(first)));
        expect(read).toEqual({ schedules: first, skipped: 0 });
        expect(remoteSchedulesFor(rules, read.schedules, '2025-01-01T00:00:00.000Z')).toEqual(first);
      }),
    );
    expect(readRemoteSchedules([{ name: 'ok', interval_days: 10, warning_days: 1 }, { name: 'bad', interval_days: -1, warning_days: 0 }, 'junk']).skipped).toBe(2);
    expect(readRemoteSchedules({ calibration: 1 })).toEqual({ schedules: [], skipped: 1 });
  });
});

describe('bench acts per remote', () => {
  it('calibrate is an edit of calibrated_at / calibrated_by on Cannlytics only, for its calibration schedule', () => {
    const at = '2024-06-01T09:30:00.000Z';
    expect(actPatch('cannlytics', 'instrument', { act: 'calibrate', schedule: 'Calibration', at, by: 'kim' })).toEqual({ calibrated_at: '2024-06-01', calibrated_by: 'kim' });
    expect(actPatch('cannlytics', 'instrument', { act: 'calibrate', schedule: 'maintenance', at, by: 'kim' })).toBeNull();
    for (const [system, kind] of [['catalog', 'instrument'], ['brainstem', 'equipment'], ['brainstem', 'consumable'], ['atomscale', 'instrument']] as const) {
      expect(actPatch(system, kind, { act: 'calibrate', schedule: 'calibration', at, by: 'kim' })).toBeNull();
      expect(actPatch(system, kind, { act: 'out_of_service', schedule: '', at, by: 'kim' })).toBeNull();
    }
    expect(remoteCompletionField('cannlytics', 'instrument', 'calibration')).toBe('calibrated_at');
    expect(schedulesLiveOnRemote('cannlytics', 'instrument')).toBe(true);
    expect(schedulesLiveOnRemote('catalog', 'instrument')).toBe(false);
  });

  it('move sets BrainSTEM setup and Cannlytics area_name; verify present is never an edit', () => {
    const at = '2024-06-01T09:30:00.000Z';
    expect(actPatch('brainstem', 'equipment', { act: 'move', placeValue: '2', schedule: '', at, by: 'x' })).toEqual({ setup: '2' });
    expect(actPatch('cannlytics', 'instrument', { act: 'move', placeValue: 'Lab B', schedule: '', at, by: 'x' })).toEqual({ area_name: 'Lab B' });
    expect(actPatch('catalog', 'instrument', { act: 'move', placeValue: 'Lab B', schedule: '', at, by: 'x' })).toBeNull();
    expect(actPatch('cannlytics', 'instrument', { act: 'verify_present', schedule: '', at, by: 'x' })).toBeNull();
  });
});
