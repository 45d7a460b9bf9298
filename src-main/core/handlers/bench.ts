import type { Method } from '../../../src-shared/contract';
import { parseSchedulesCsv, schedulesCsv } from '../bench/schedules-csv';
import type { AreaHandlers, HandlerDeps } from './deps';

type BenchMethods = Extract<Method, `bench.${string}` | `calibration.${string}`>;

/** Bench acts, schedules and the calibration board (docs/calibration.md). Writes go through the mirror. */
export function benchHandlers(d: HandlerDeps): AreaHandlers<BenchMethods> {
  const { mirror, calibration } = d;
  return {
    'bench.act': async (req) => {
      const done = await mirror.benchAct(req);
      return { actId: done.actId, how: done.how, record: await d.queries.get(done.recordId), due: await calibration.worst(done.recordId), message: done.message };
    },
    'bench.undo': async (req) => {
      const r = await mirror.undoBenchAct(req.actId);
      return { actId: req.actId, undone: r.undone, message: r.message };
    },
    'bench.places': async () => ({ places: await calibration.places() }),
    'calibration.board': async (req) => ({ rows: await calibration.board(req) }),
    'calibration.schedules': (req) => calibration.schedules(req.recordId),
    'calibration.setSchedules': async (req) => {
      await mirror.setSchedules(req.recordId, req.schedules);
      return calibration.schedules(req.recordId);
    },
    'calibration.exportCsv': async () => {
      const { csv, rows } = await schedulesCsv(calibration);
      const stamp = new Date().toISOString().slice(0, 10);
      return { filename: `benchsync-schedules-${stamp}.csv`, csv, rows };
    },
    'calibration.importCsv': async (req) => {
      const sets = await parseSchedulesCsv(d.db, req.csv);
      await mirror.setScheduleSets(sets);
      const schedules = sets.reduce((n, s) => n + s.rules.length, 0);
      return {
        records: sets.length,
        schedules,
        message: `Imported ${schedules} schedule${schedules === 1 ? '' : 's'} of ${sets.length} record${sets.length === 1 ? '' : 's'}; each of them now has exactly the schedules its rows give.`,
      };
    },
  };
}
