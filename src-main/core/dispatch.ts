import { randomBytes } from 'node:crypto';
import type { ContractError } from '../../src-shared/contract/common';
import { contract, isMethod } from '../../src-shared/contract';
import { UserFacingError } from './errors';
import type { HandlerTable } from './handlers';
import { toPlainData } from './plain-data';

export type DispatchReply = { ok: true; value: unknown } | { ok: false; error: ContractError };

/** A method name as it may be shown back: a bounded, printable excerpt (it can be anything a client sent). */
function describeMethod(method: unknown): string {
  if (typeof method !== 'string') return `of type ${method === null ? 'null' : typeof method}`;
  const printable = method.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '�');
  return `"${printable.length > 80 ? `${printable.slice(0, 80)}…` : printable}"`;
}

/**
 * Every request from any transport passes here: the method must exist, the payload must be plain
 * JSON data (finite numbers, no cycles, bounded depth and size) and match its schema BEFORE a
 * handler runs; the reply is checked against its schema on the way out. What reaches the user is a
 * contract error in words: an unexpected failure is logged with an id and answered with that id
 * only, never with its own message or stack (they can hold anything: paths, keys, remote bodies).
 */
export function createDispatcher(handlers: HandlerTable, log: (message: string) => void = () => undefined) {
  const internal = (what: string, detail: string): DispatchReply => {
    const id = randomBytes(4).toString('hex');
    log(`[${id}] ${what}: ${detail}`);
    return { ok: false, error: { code: 'internal', message: `BenchSync could not complete this request because of an error of its own (error ${id} in its log).` } };
  };

  return async function dispatch(method: unknown, payload: unknown): Promise<DispatchReply> {
    if (!isMethod(method)) {
      return { ok: false, error: { code: 'invalid_request', message: `Unknown request ${describeMethod(method)}.` } };
    }
    const spec = contract[method];
    const plain = toPlainData(payload ?? {});
    if (!plain.ok) {
      return {
        ok: false,
        error: { code: 'invalid_request', message: `Invalid ${method} request: ${plain.path}: ${plain.problem}`, fieldErrors: { [plain.path === 'payload' ? '_' : plain.path]: [plain.problem] } },
      };
    }
    const parsed = spec.request.safeParse(plain.value);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (fieldErrors[issue.path.map(String).join('.') || '_'] ??= []).push(issue.message);
      return {
        ok: false,
        error: {
          code: 'invalid_request',
          message: `Invalid ${method} request: ${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'payload'}: ${i.message}`).join('; ')}`,
          fieldErrors,
        },
      };
    }
    try {
      const value = await (handlers[method] as (r: unknown) => Promise<unknown>)(parsed.data);
      const checked = spec.reply.safeParse(value);
      if (!checked.success) return internal(`reply of ${method} does not match its schema`, checked.error.message);
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof UserFacingError) {
        return { ok: false, error: { code: error.code, message: error.message, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) } };
      }
      return internal(`${method} failed`, error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
  };
}
