import type { ContractError } from '../../src-shared/contract/common';

/** An error whose message is meant for the user; the dispatcher passes it through as is. */
export class UserFacingError extends Error {
  constructor(
    readonly code: ContractError['code'],
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}
