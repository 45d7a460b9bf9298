import type { Method } from '../../../src-shared/contract';
import { labelsFile } from '../labels/labels-file';
import type { AreaHandlers, HandlerDeps } from './deps';

type LabelMethods = Extract<Method, `labels.${string}`>;

export function labelHandlers(d: HandlerDeps): AreaHandlers<LabelMethods> {
  return {
    'labels.pdf': (req) => labelsFile(d.labelRecords, d.nextDueOf, req.recordIds, req.stock),
  };
}
