import { z } from 'zod';
import { uuid } from './common';
import { connectionStatus } from './sync';

/** Pushed from main to the renderer. */
export const eventsContract = {
  'records.changed': z.object({ connectionId: uuid.nullable(), ids: z.array(uuid).nullable() }),
  'sync.status': z.array(connectionStatus),
} as const;
