import type { ContractError } from './common';
import type { EventName, EventOf, Method, ReplyOf, RequestOf } from './index';

/** How the renderer reaches main: Electron IPC, the headless websocket, or a direct call in tests. */
export interface ContractTransport {
  invoke(method: string, payload: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: ContractError }>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

export class ContractCallError extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
    this.name = 'ContractCallError';
  }
}

export interface ContractClient {
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<ReplyOf<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

/** Typed calls over any transport; main validates requests, so the client stays thin. */
export function createContractClient(transport: ContractTransport): ContractClient {
  return {
    async call(method, request) {
      const reply = await transport.invoke(method, request);
      if (!reply.ok) throw new ContractCallError(reply.error);
      return reply.value as never;
    },
    on(event, listener) {
      return transport.onEvent((name, payload) => {
        if (name === event) listener(payload as never);
      });
    },
  };
}
