import type { ContractError } from '../../src-shared/contract/common';
import { contract, isMethod } from '../../src-shared/contract';
import { UserFacingError } from './errors';
import type { HandlerTable } from './handlers';

export type DispatchReply = { ok: true; value: unknown } | { ok: false; error: ContractError };

/**
 * Every request from any transport passes here: the method must exist and the payload must match
 * its schema BEFORE a handler runs; the reply is checked against its schema on the way out.
 */
export function createDispatcher(handlers: HandlerTable, log: (message: string) => void = () => undefined) {
  return async function dispatch(method: unknown, payload: unknown): Promise<DispatchReply> {
    if (!isMethod(method)) {
      return { ok: false, error: { code: 'invalid_request', message: `Unknown request "${String(method)}".` } };
    }
    const spec = contract[method];
    const parsed = spec.request.safeParse(payload ?? {});
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (fieldErrors[issue.path.join('.') || '_'] ??= []).push(issue.message);
      return {
        ok: false,
        error: { code: 'invalid_request', message: `Invalid ${method} request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`, fieldErrors },
      };
    }
    try {
      const value = await (handlers[method] as (r: unknown) => Promise<unknown>)(parsed.data);
      const checked = spec.reply.safeParse(value);
      if (!checked.success) {
        log(`reply of ${method} does not match its schema: ${checked.error.message}`);
        return { ok: false, error: { code: 'internal', message: `BenchSync produced an invalid reply to ${method}.` } };
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof UserFacingError) {
        return { ok: false, error: { code: error.code, message: error.message, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) } };
      }
      log(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
    }
  };
}
