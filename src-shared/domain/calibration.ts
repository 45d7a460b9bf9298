import { z } from 'zod';

/**
 * Calibration and maintenance schedules as pure rules (docs/calibration.md): when a schedule is
 * next due from its last completion, and how that stands today. The core computes the board with
 * these; the renderer shows their words.
 */

/** in date / due within the warning window / past due / never done. */
export const DUE_STATUSES = ['ok', 'due_soon', 'overdue', 'never'] as const;
export type DueStatus = (typeof DUE_STATUSES)[number];

export const DUE_LABELS: Record<DueStatus, string> = {
  ok: 'In date',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  never: 'Never done',
};

/** The schedule whose completion a Cannlytics instrument's `calibrated_at` records. */
export const CALIBRATION_SCHEDULE = 'calibration';

export const SCHEDULE_LIMITS = { name: 100, intervalDays: 36_500, warningDays: 3_650 } as const;

const DAY_MS = 86_400_000;

export interface ScheduleRule {
  name: string;
  intervalDays: number;
  warningDays: number;
}

/** One schedule as a user gives it: a name, an interval, a warning window no longer than the interval. */
export const scheduleRule = z
  .object({
    name: z.string().trim().min(1, 'Name the schedule.').max(SCHEDULE_LIMITS.name),
    intervalDays: z.number().int('Whole days.').min(1, 'At least one day.').max(SCHEDULE_LIMITS.intervalDays),
    warningDays: z.number().int('Whole days.').min(0, 'Zero or more days.').max(SCHEDULE_LIMITS.warningDays),
  })
  .refine((s) => s.warningDays <= s.intervalDays, { message: 'The warning window cannot be longer than the interval.', path: ['warningDays'] });

/** A record's schedules: each name once (ignoring case). */
export const scheduleSet = z
  .array(scheduleRule)
  .max(50)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      const key = s.name.trim().toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `“${s.name}” is named twice; each schedule once.` });
      seen.add(key);
    });
  });

/**
 * A completion time as a number (ms), from an ISO date or date-time; null for "never" (Cannlytics
 * stores 0, or leaves it empty) or anything that is not a date.
 */
export function completionTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
  const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return Number.isNaN(t) ? null : t;
}

/** When the schedule is next due: the last completion plus the interval; null if never done. */
export function nextDue(lastDoneAt: string | null, intervalDays: number): string | null {
  const t = completionTime(lastDoneAt);
  return t === null ? null : new Date(t + intervalDays * DAY_MS).toISOString();
}

/** How a schedule stands at `now`: past due, within the warning window before it, in date, or never done. */
export function dueStatus(nextDueAt: string | null, warningDays: number, now: number): DueStatus {
  const due = completionTime(nextDueAt);
  if (due === null) return 'never';
  if (now >= due) return 'overdue';
  if (now >= due - warningDays * DAY_MS) return 'due_soon';
  return 'ok';
}

/** Worst first: overdue, then never done, then due soon, then in date. */
const SEVERITY: Record<DueStatus, number> = { overdue: 3, never: 2, due_soon: 1, ok: 0 };

/** A record's worst schedule status; null when it has no schedule. */
export function worstStatus(statuses: Iterable<DueStatus>): DueStatus | null {
  let worst: DueStatus | null = null;
  for (const s of statuses) if (worst === null || SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}

export function compareStatus(a: DueStatus, b: DueStatus): number {
  return SEVERITY[b] - SEVERITY[a];
}

export interface ScheduleStanding {
  lastDoneAt: string | null;
  nextDueAt: string | null;
  status: DueStatus;
}

/** A schedule's standing from its last completion. */
export function standing(rule: Pick<ScheduleRule, 'intervalDays' | 'warningDays'>, lastDoneAt: string | null, now: number): ScheduleStanding {
  const last = completionTime(lastDoneAt) === null ? null : lastDoneAt;
  const nextDueAt = nextDue(last, rule.intervalDays);
  return { lastDoneAt: last, nextDueAt, status: dueStatus(nextDueAt, rule.warningDays, now) };
}

/** Plain words for a standing, e.g. "Overdue since 2024-03-01", "Due by 2024-05-01". */
export function standingText(s: ScheduleStanding): string {
  const day = (iso: string | null) => (iso ?? '').slice(0, 10);
  if (s.status === 'never') return 'Never done';
  if (s.status === 'overdue') return `Overdue since ${day(s.nextDueAt)}`;
  if (s.status === 'due_soon') return `Due soon: by ${day(s.nextDueAt)}`;
  return `In date until ${day(s.nextDueAt)}`;
}

// ---- schedules kept on a Cannlytics instrument document ----

/** The field of a Cannlytics instrument document that holds its schedules (an array: a merge replaces it whole). */
export const REMOTE_SCHEDULES_FIELD = 'maintenance_schedules';

export interface RemoteSchedule {
  name: string;
  interval_days: number;
  warning_days: number;
  created_at: string;
  updated_at: string;
}

const remoteScheduleEntry = z.object({
  name: z.string(),
  interval_days: z.number(),
  warning_days: z.number(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});

/**
 * The schedules a Cannlytics document holds. Anyone can write the document, so an entry that is
 * not a valid schedule (or repeats a name) is left out of the board rather than failing it;
 * `skipped` counts them so the UI can say so.
 */
export function readRemoteSchedules(value: unknown): { schedules: RemoteSchedule[]; skipped: number } {
  if (!Array.isArray(value)) return { schedules: [], skipped: value === undefined || value === null ? 0 : 1 };
  const schedules: RemoteSchedule[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const raw of value) {
    const entry = remoteScheduleEntry.safeParse(raw);
    const rule = entry.success ? scheduleRule.safeParse({ name: entry.data.name, intervalDays: entry.data.interval_days, warningDays: entry.data.warning_days }) : null;
    if (!entry.success || !rule?.success || seen.has(rule.data.name.toLowerCase())) {
      skipped++;
      continue;
    }
    seen.add(rule.data.name.toLowerCase());
    schedules.push({
      name: rule.data.name,
      interval_days: rule.data.intervalDays,
      warning_days: rule.data.warningDays,
      created_at: entry.data.created_at ?? '',
      updated_at: entry.data.updated_at ?? '',
    });
  }
  return { schedules, skipped };
}

/**
 * The field's new value for `rules`: an entry whose rule is unchanged keeps its times, a changed
 * one is stamped `now`, a new one is created `now`. Order as given.
 */
export function remoteSchedulesFor(rules: readonly ScheduleRule[], current: readonly RemoteSchedule[], now: string): RemoteSchedule[] {
  return rules.map((r) => {
    const name = r.name.trim();
    const old = current.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (old && old.name === name && old.interval_days === r.intervalDays && old.warning_days === r.warningDays) return old;
    return { name, interval_days: r.intervalDays, warning_days: r.warningDays, created_at: old?.created_at || now, updated_at: now };
  });
}
