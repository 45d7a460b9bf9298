import { create } from 'zustand';

interface CommandsState {
  /** The command palette (Ctrl+K) is open. */
  paletteOpen: boolean;
  /** What the last command run by key or palette came to, when there is nothing else on screen to say it. */
  notice: { text: string; failed: boolean } | null;
  setPaletteOpen(open: boolean): void;
  tell(text: string, failed?: boolean): void;
  clearNotice(): void;
}

export const useCommands = create<CommandsState>((set) => ({
  paletteOpen: false,
  notice: null,
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  tell: (text, failed = false) => set({ notice: { text, failed } }),
  clearNotice: () => set({ notice: null }),
}));
