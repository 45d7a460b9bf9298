import { z } from 'zod';
import { RECORD_KINDS, RECORD_STATUSES, SYSTEMS } from '../domain/record-kinds';

export const systemId = z.enum(SYSTEMS);
export const recordKind = z.enum(RECORD_KINDS);
export const recordStatus = z.enum(RECORD_STATUSES);
export const uuid = z.string().min(1).max(64);
export const fields = z.record(z.string(), z.unknown());
export const fieldErrors = z.record(z.string(), z.array(z.string()));

/** Why a request failed, in terms the user can act on. */
export const contractError = z.object({
  code: z.enum(['invalid_request', 'validation', 'not_found', 'read_only', 'conflict', 'unavailable', 'internal']),
  message: z.string(),
  fieldErrors: fieldErrors.optional(),
});
export type ContractError = z.infer<typeof contractError>;
