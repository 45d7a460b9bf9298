import { ContractCallError, createContractClient, type ContractClient } from '../../src-shared/contract/client';
import type { FieldErrors } from '../../src-shared/domain/validation';
import { createLink, type CoreLink } from './transport';

/** The one way the renderer reaches the core: the typed contract client over Electron IPC or the headless socket. */
export const link: CoreLink = createLink();
export const client: ContractClient = createContractClient(link);

/** What to tell the user about a failed call, in words. */
export function errorMessage(error: unknown): string {
  if (error instanceof ContractCallError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Per-field messages of a failed call (validation from main or the server), if any. */
export function errorFields(error: unknown): FieldErrors {
  return error instanceof ContractCallError ? (error.error.fieldErrors ?? {}) : {};
}

/** The sentence above a form: the core's own words, unless they only repeat what the fields already show. */
export function formErrorSummary(error: unknown, fieldNames: readonly string[]): string {
  const keys = Object.keys(errorFields(error));
  if (keys.length > 0 && keys.every((k) => fieldNames.includes(k))) return 'Some fields need attention.';
  return errorMessage(error);
}
