import { benchHandlers } from './bench';
import { connectionHandlers } from './connections';
import type { HandlerDeps, HandlerTable } from './deps';
import { historyHandlers } from './history';
import { labelHandlers } from './labels';
import { recordHandlers } from './records';
import { scanHandlers } from './scan';
import { syncHandlers } from './sync';

export type { HandlerDeps, HandlerTable } from './deps';

/** The one table of everything the renderer can ask for (after Actual's loot-core handlers), one module per area. */
export function createHandlers(d: HandlerDeps): HandlerTable {
  return { ...connectionHandlers(d), ...recordHandlers(d), ...syncHandlers(d), ...historyHandlers(d), ...labelHandlers(d), ...benchHandlers(d), ...scanHandlers(d) };
}
