import type { Method } from '../../../src-shared/contract';
import { resolveScan } from '../records/scan-resolve';
import type { AreaHandlers, HandlerDeps } from './deps';

type ScanMethods = Extract<Method, `scan.${string}`>;

export function scanHandlers(d: HandlerDeps): AreaHandlers<ScanMethods> {
  return {
    'scan.resolve': async (req) => ({ code: req.code, matches: await resolveScan(d.queries, req.code) }),
  };
}
