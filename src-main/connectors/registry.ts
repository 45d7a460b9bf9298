import type { SystemId } from '../../src-shared/domain/record-kinds';
import { atomscaleConnector } from './atomscale/atomscale-connector';
import { brainstemConnector } from './brainstem/brainstem-connector';
import { cannlyticsConnector } from './cannlytics/cannlytics-connector';
import { catalogConnector } from './catalog/catalog-connector';
import type { Connector } from './connector';

/** One line per remote system. */
export const CONNECTORS: Partial<Record<SystemId, Connector>> = {
  catalog: catalogConnector,
  cannlytics: cannlyticsConnector,
  atomscale: atomscaleConnector,
  brainstem: brainstemConnector,
};

export function connectorFor(system: SystemId): Connector {
  const c = CONNECTORS[system];
  if (!c) throw new Error(`BenchSync has no connector for "${system}" yet.`);
  return c;
}
