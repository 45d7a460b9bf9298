import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ContractTransport } from '../../src-shared/contract/client';

// Channel names are repeated here (not imported from ipc-bridge) so the sandboxed preload bundles nothing of main.
const bridge: ContractTransport = {
  invoke: (method, payload) => ipcRenderer.invoke('benchsync:invoke', method, payload),
  onEvent: (listener) => {
    const handler = (_e: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on('benchsync:event', handler);
    return () => ipcRenderer.off('benchsync:event', handler);
  },
};

contextBridge.exposeInMainWorld('benchsync', bridge);
