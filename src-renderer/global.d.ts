import type { ContractTransport } from '../src-shared/contract/client';

declare global {
  interface Window {
    /** Set by the Electron preload (src-main/electron/preload.ts); absent when served headless. */
    benchsync?: ContractTransport;
  }
}

export {};
