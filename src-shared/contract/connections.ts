import { z } from 'zod';
import { systemId, uuid } from './common';
import { checkResult } from './sync';

/** A remote profile as the renderer sees it: the key is write-only and never comes back. */
export const connection = z.object({
  id: uuid,
  system: systemId,
  name: z.string(),
  baseUrl: z.string(),
  settings: z.record(z.string(), z.string()),
  hasKey: z.boolean(),
  paused: z.boolean(),
  createdAt: z.string(),
});
export type Connection = z.infer<typeof connection>;

export const connectionsContract = {
  'connections.list': { request: z.object({}), reply: z.array(connection) },
  'connections.save': {
    request: z.object({
      id: uuid.optional(),
      system: systemId,
      name: z.string().trim().min(1, 'Give the connection a name.').max(100),
      baseUrl: z
        .string()
        .trim()
        .url('Enter a full URL, e.g. https://host/api')
        .refine((u) => /^https?:\/\//.test(u), 'The base URL must start with http:// or https://'),
      settings: z.record(z.string(), z.string().max(200)).default({}),
      /** Only sent when the user typed a new key; absent keeps the stored one. */
      apiKey: z.string().trim().min(1).max(4096).optional(),
    }),
    reply: connection,
  },
  'connections.remove': {
    request: z.object({ id: uuid, discardPending: z.boolean().default(false) }),
    reply: z.object({ removed: z.boolean(), pendingEdits: z.number().int() }),
  },
  'connections.setPaused': { request: z.object({ id: uuid, paused: z.boolean() }), reply: connection },
  'connections.check': {
    request: z.object({ id: uuid }),
    reply: checkResult,
  },
} as const;
