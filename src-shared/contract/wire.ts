import { z } from 'zod';
import { contractError } from './common';

/**
 * The envelope every transport carries: a request names a method, a reply is ok/error,
 * and events are pushed with their name. Transports only move these; main validates payloads.
 */
export const wireRequest = z.object({ id: z.number().int(), method: z.string(), payload: z.unknown() });
export type WireRequest = z.infer<typeof wireRequest>;

export const wireReply = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: contractError }),
]);
export type WireReply = z.infer<typeof wireReply>;

export const wireEvent = z.object({ event: z.string(), payload: z.unknown() });
export type WireEvent = z.infer<typeof wireEvent>;
