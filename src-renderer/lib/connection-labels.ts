import type { Connection, RecordSummaryDto } from '../../src-shared/contract';
import type { SystemId } from '../../src-shared/domain/record-kinds';
import { kindLabel, systemLabel } from './format';

/**
 * How each connection is named where several are listed together: its own name, and where two
 * share a name, with whom it acts as (from main, see `ConnectionStatus.account`), else its host,
 * else its place in the list, so no two read the same.
 */
export function connectionLabels(connections: readonly Connection[], accounts: ReadonlyMap<string, string>): Map<string, string> {
  const labels = new Map<string, string>();
  const byName = new Map<string, Connection[]>();
  for (const c of connections) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  for (const [name, same] of byName) {
    if (same.length === 1) {
      labels.set(same[0]!.id, name);
      continue;
    }
    const hint = (c: Connection) => accounts.get(c.id) ?? hostOf(c.baseUrl);
    const hints = same.map(hint);
    same.forEach((c, i) => {
      const h = hints[i]!;
      const unique = hints.filter((x) => x === h).length === 1;
      labels.set(c.id, unique ? `${name} (${h})` : `${name} (${h}, ${i + 1} of ${same.length})`);
    });
  }
  return labels;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A UUID shortened to its first 8 characters (still unique enough to tell rows apart); other ids as they are, long ones cut. */
export function shortRemoteId(id: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return `${id.slice(0, 8)}…`;
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

/** What a list row needs to say where it comes from. */
export interface RowSource {
  /** Each connection's label (see `connectionLabels`). */
  labels: ReadonlyMap<string, string>;
  /** Systems with more than one connection: their rows name the connection, not just the system. */
  sharedSystems: ReadonlySet<SystemId>;
}

export function rowSource(connections: readonly Connection[], labels: ReadonlyMap<string, string>): RowSource {
  const seen = new Set<SystemId>();
  const shared = new Set<SystemId>();
  for (const c of connections) (seen.has(c.system) ? shared : seen).add(c.system);
  return { labels, sharedSystems: shared };
}

/**
 * A list row's second line: where it comes from (the system, or the connection where the system
 * has several), the kind, and the short remote id, each once; the title carries everything in full.
 */
export function rowMeta(row: Pick<RecordSummaryDto, 'connectionId' | 'system' | 'kind' | 'remoteId'>, source: RowSource): { text: string; title: string } {
  const system = systemLabel(row.system);
  const connection = source.labels.get(row.connectionId) ?? system;
  const where = source.sharedSystems.has(row.system) ? connection : system;
  const id = row.remoteId ? `#${shortRemoteId(row.remoteId)}` : 'not on the server yet';
  const title = [connection, ...(connection.includes(system) ? [] : [system]), kindLabel(row.system, row.kind), row.remoteId ? `#${row.remoteId}` : id];
  return { text: [where, kindLabel(row.system, row.kind), id].join(' · '), title: title.join(' · ') };
}
