import type { ContractTransport } from '../../src-shared/contract/client';
import type { AppCore } from '../core/app-core';

/**
 * The contract without a wire, for tests. A request is copied as Electron's IPC copies it
 * (structured clone: NaN, Infinity, Dates and cycles get through, functions do not), so the core's
 * own checks are what refuses them; a reply goes through JSON, as on the headless socket, so
 * nothing passes that a real transport could not carry back (dates, functions, undefined).
 */
export function inProcessTransport(core: AppCore): ContractTransport {
  const roundTrip = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
  return {
    invoke: async (method, payload) => {
      let copied: unknown;
      try {
        copied = structuredClone(payload);
      } catch {
        return { ok: false, error: { code: 'invalid_request', message: 'The request holds something that cannot be sent (a function, a symbol or a host object).' } };
      }
      return roundTrip(await core.dispatch(method, copied));
    },
    onEvent: (listener) => core.onEvent((event, payload) => listener(event, roundTrip(payload))),
  };
}
