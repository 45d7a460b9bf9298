import type { RecordKind, SystemId } from '../record-kinds';
import { atomscaleProfile } from './atomscale';
import { brainstemProfile } from './brainstem';
import { cannlyticsProfile } from './cannlytics';
import { catalogProfile } from './catalog';
import { pickListOf as pickListOfSpec, type KindProfile, type SystemProfile } from './profile';

/** One line per remote system. */
export const SYSTEM_PROFILES: Partial<Record<SystemId, SystemProfile>> = {
  catalog: catalogProfile,
  cannlytics: cannlyticsProfile,
  atomscale: atomscaleProfile,
  brainstem: brainstemProfile,
};

export function systemProfile(system: SystemId): SystemProfile {
  const p = SYSTEM_PROFILES[system];
  if (!p) throw new Error(`BenchSync does not support "${system}" connections yet.`);
  return p;
}

export function kindProfile(system: SystemId, kind: RecordKind): KindProfile {
  const k = systemProfile(system).kinds.find((x) => x.kind === kind);
  if (!k) throw new Error(`${systemProfile(system).label} has no ${kind} records.`);
  return k;
}

/** The pick list a kind's write permission follows (`KindProfile.writeScopeField`): its field, source and label; null for most kinds. */
export function writeScopeOf(system: SystemId, kind: RecordKind): { field: string; source: string; label: string } | null {
  const profile = SYSTEM_PROFILES[system]?.kinds.find((k) => k.kind === kind);
  const spec = profile?.writeScopeField ? profile.fields.find((f) => f.name === profile.writeScopeField) : undefined;
  const list = spec ? pickListOfSpec(spec) : null;
  return spec && list ? { field: spec.name, source: list.source, label: spec.label } : null;
}

export type { CoordinateAxisSpec, CoordinatesSpec, DetailKeySpec, DetailsSpec, FieldSpec, KindProfile, PickListOptions, QuickAction, SystemProfile, RecordSummary } from './profile';
export { pickListOf } from './profile';
