import { create } from 'zustand';
import { link } from '../core/client';
import type { LinkState } from '../core/transport';

/** The renderer's connection to the core (not to any remote). */
export const useLinkStore = create<{ state: LinkState }>(() => ({ state: link.state }));

link.onState((state) => useLinkStore.setState({ state }));
