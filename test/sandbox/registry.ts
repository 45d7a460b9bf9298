import type { EmulatorOptions, RunningEmulator, SystemName } from './common/emulator-server';
import { startCatalogEmulator } from './catalog/catalog-emulator';
import { startCannlyticsEmulator } from './cannlytics/cannlytics-emulator';
import { startAtomscaleEmulator } from './atomscale/atomscale-emulator';
import { startBrainstemEmulator } from './brainstem/brainstem-emulator';

/** One line per emulated system. */
export const EMULATORS: Partial<Record<SystemName, (options: EmulatorOptions) => Promise<RunningEmulator>>> = {
  catalog: startCatalogEmulator,
  cannlytics: startCannlyticsEmulator,
  atomscale: startAtomscaleEmulator,
  brainstem: startBrainstemEmulator,
};
