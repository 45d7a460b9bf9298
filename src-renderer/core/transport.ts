import type { ContractTransport } from '../../src-shared/contract/client';
import type { ContractError } from '../../src-shared/contract/common';

/** Whether the renderer can reach the core right now (the headless socket can drop; Electron IPC cannot). */
export type LinkState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting'; attempt: number; retryInMs: number }
  /** `restarted`: this window was connected before, so the core was started again with a new token. */
  | { kind: 'refused'; message: string; restarted: boolean };

export interface CoreLink extends ContractTransport {
  readonly state: LinkState;
  onState(listener: (state: LinkState) => void): () => void;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: ContractError };
type EventListener = (event: string, payload: unknown) => void;

export const DISCONNECTED_MESSAGE = 'Disconnected from BenchSync core';

/** What a call made while the core cannot be reached answers: nothing was sent, so nothing was queued either. */
export const NOT_SENT_MESSAGE = `${DISCONNECTED_MESSAGE}; nothing was changed. Try again once it is back.`;

/** Electron: the preload's IPC bridge never drops. */
export function preloadLink(bridge: ContractTransport): CoreLink {
  return {
    state: { kind: 'open' },
    invoke: (method, payload) => bridge.invoke(method, payload),
    onEvent: (listener) => bridge.onEvent(listener),
    onState: () => () => undefined,
  };
}

export interface WebSocketLinkOptions {
  /** Reconnect delays: base doubles per attempt up to max. */
  backoff?: { baseMs: number; maxMs: number };
  createSocket?: (url: string) => WebSocket;
}

/**
 * Headless: the contract over the core's websocket (`{id, method, payload}` → `{id, ok, value|error}`,
 * events `{event, payload}`). Requests made before the first connect wait for it; once connected,
 * a drop fails what is outstanding (the caller shows it) and reconnects with backoff.
 */
export function webSocketLink(url: string, options: WebSocketLinkOptions = {}): CoreLink {
  const backoff = options.backoff ?? { baseMs: 250, maxMs: 5_000 };
  const createSocket = options.createSocket ?? ((u: string) => new WebSocket(u));
  /** Sent and not yet answered. */
  const pending = new Map<number, (reply: Reply) => void>();
  /** Made before the socket first opened: sent on open, answered then. */
  const waitingForFirstOpen: { id: number; message: string; resolve: (reply: Reply) => void }[] = [];
  const eventListeners = new Set<EventListener>();
  const stateListeners = new Set<(s: LinkState) => void>();
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let state: LinkState = { kind: 'connecting' };

  const setState = (next: LinkState) => {
    state = next;
    for (const l of stateListeners) l(next);
  };

  const failAll = (message: string) => {
    const outstanding = [...pending.values()];
    pending.clear();
    for (const resolve of outstanding) resolve({ ok: false, error: { code: 'unavailable', message } });
  };

  const connect = () => {
    // A refusal while reconnecting (after a working socket dropped) means the core restarted with a
    // new token; the first socket opens even when refused, so "it opened once" cannot tell.
    const afterDrop = state.kind === 'reconnecting';
    const ws = createSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState({ kind: 'open' });
      for (const w of waitingForFirstOpen.splice(0)) {
        pending.set(w.id, w.resolve);
        ws.send(w.message);
      }
    };
    ws.onmessage = (event) => handleMessage(String(event.data));
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      // Reads fail here too: only a change can have been made without its answer.
      failAll(`${DISCONNECTED_MESSAGE} before it answered. A change asked for may or may not have been made: check it once reconnected.`);
      if (event.code === 4401) {
        // The core refused us (wrong token or origin): retrying cannot help.
        failAllWaiting(`BenchSync core refused the connection: ${event.reason || 'wrong token'}`);
        setState({ kind: 'refused', message: event.reason || 'Missing or wrong token.', restarted: afterDrop });
        return;
      }
      attempt++;
      const retryInMs = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1));
      setState({ kind: 'reconnecting', attempt, retryInMs });
      setTimeout(connect, retryInMs);
    };
  };

  const failAllWaiting = (message: string) => {
    for (const w of waitingForFirstOpen.splice(0)) w.resolve({ ok: false, error: { code: 'unavailable', message } });
    failAll(message);
  };

  const handleMessage = (text: string) => {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!message || typeof message !== 'object') return;
    const m = message as Record<string, unknown>;
    if (typeof m.event === 'string') {
      for (const l of eventListeners) l(m.event, m.payload);
      return;
    }
    if (typeof m.id !== 'number') return;
    const resolve = pending.get(m.id);
    if (!resolve) return;
    pending.delete(m.id);
    if (m.ok === true) resolve({ ok: true, value: m.value });
    else resolve({ ok: false, error: (m.error as ContractError) ?? { code: 'internal', message: 'The core sent an unreadable reply.' } });
  };

  connect();

  return {
    get state() {
      return state;
    },
    invoke(method, payload) {
      return new Promise<Reply>((resolve) => {
        if (state.kind === 'refused') {
          resolve({ ok: false, error: { code: 'unavailable', message: `BenchSync core refused the connection: ${state.message} Nothing was changed.` } });
          return;
        }
        if (state.kind === 'reconnecting') {
          resolve({ ok: false, error: { code: 'unavailable', message: NOT_SENT_MESSAGE } });
          return;
        }
        const id = nextId++;
        const message = JSON.stringify({ id, method, payload: payload ?? {} });
        if (state.kind === 'open' && socket?.readyState === WebSocket.OPEN) {
          pending.set(id, resolve);
          socket.send(message);
        } else {
          waitingForFirstOpen.push({ id, message, resolve });
        }
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}

/** The headless socket URL from the page's own address: the token rides in the fragment (`#token=...`). */
export function headlessSocketUrl(location: Pick<Location, 'host' | 'hash' | 'protocol'>): string {
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ipc?token=${encodeURIComponent(token)}`;
}

export function createLink(): CoreLink {
  if (window.benchsync) return preloadLink(window.benchsync);
  const link = webSocketLink(headlessSocketUrl(window.location));
  // Refused for a missing token, then given the address with it: start over with the new token.
  window.addEventListener('hashchange', () => {
    if (link.state.kind === 'refused') window.location.reload();
  });
  return link;
}
