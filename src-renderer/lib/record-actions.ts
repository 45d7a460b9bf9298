import type { Connection, RecordDetailDto } from '../../src-shared/contract';
import { SYSTEM_PROFILES, type KindProfile } from '../../src-shared/domain/remotes';
import { detailState } from './record-state';

export interface RecordActions {
  profile: KindProfile | undefined;
  canEdit: boolean;
  canDelete: boolean;
}

/**
 * What the record's detail offers, and so the `e` and Delete keys and the command palette too.
 * While an administrator decides on a proposal, in a conflict or after a delete, the record
 * cannot change (the core refuses too); some systems let only some accounts delete (e.g.
 * BrainSTEM administrators), which a ticked connection setting says.
 */
export function recordActions(detail: RecordDetailDto, connections: readonly Connection[]): RecordActions {
  const profile = SYSTEM_PROFILES[detail.system]?.kinds.find((k) => k.kind === detail.kind);
  const open = detailState(detail).block === null;
  const connection = connections.find((c) => c.id === detail.connectionId);
  const deleteAllowed = !profile?.deleteRequiresSetting || connection?.settings[profile.deleteRequiresSetting] === 'yes';
  return { profile, canEdit: open && (profile?.canUpdate ?? false), canDelete: open && deleteAllowed && (profile?.canDelete ?? false) };
}
