import type { ContractTransport } from '../../src-shared/contract/client';
import type { AppCore } from '../core/app-core';

/**
 * The contract without a wire, for tests: payloads still go through JSON so nothing passes that a
 * real transport could not carry (dates, functions, undefined).
 */
export function inProcessTransport(core: AppCore): ContractTransport {
  const roundTrip = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
  return {
    invoke: async (method, payload) => roundTrip(await core.dispatch(method, roundTrip(payload))),
    onEvent: (listener) => core.onEvent((event, payload) => listener(event, roundTrip(payload))),
  };
}
