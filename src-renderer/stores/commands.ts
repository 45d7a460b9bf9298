import { create } from 'zustand';

interface CommandsState {
  /** The command palette (Ctrl+K) is open. */
  paletteOpen: boolean;
  /** Where the focus was when the palette opened: it goes back there when the palette closes. */
  focusBefore: HTMLElement | null;
  /** What the last command run by key or palette came to, when there is nothing else on screen to say it. */
  notice: { text: string; failed: boolean } | null;
  setPaletteOpen(open: boolean): void;
  tell(text: string, failed?: boolean): void;
  clearNotice(): void;
}

export const useCommands = create<CommandsState>((set) => ({
  paletteOpen: false,
  focusBefore: null,
  notice: null,
  setPaletteOpen: (paletteOpen) =>
    set(paletteOpen ? { paletteOpen, focusBefore: document.activeElement instanceof HTMLElement ? document.activeElement : null } : { paletteOpen }),
  tell: (text, failed = false) => set({ notice: { text, failed } }),
  clearNotice: () => set({ notice: null }),
}));
