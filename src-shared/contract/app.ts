import { z } from 'zod';

export const appContract = {
  'app.info': {
    request: z.object({}),
    reply: z.object({ version: z.string(), dataDir: z.string(), transport: z.enum(['electron', 'headless', 'in-process']) }),
  },
} as const;
