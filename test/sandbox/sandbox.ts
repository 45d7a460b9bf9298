import { join } from 'node:path';
import type { EmulatorOptions, RunningEmulator, SystemName } from './common/emulator-server';
import { EMULATORS } from './registry';

export interface SandboxOptions extends Omit<EmulatorOptions, 'port' | 'statePath' | 'asPublished'> {
  systems?: SystemName[];
  /** Published mode (see `EmulatorOptions.asPublished`) for every system (`true`) or for the listed ones. */
  asPublished?: boolean | readonly SystemName[];
  /** Fixed port per system; others get free ports. */
  ports?: Partial<Record<SystemName, number>>;
  /** Folder for one state file per system (`<system>.json`). */
  stateDir?: string;
}

export interface Sandbox {
  emulators: Partial<Record<SystemName, RunningEmulator>>;
  /** The `--json` description: `{system: {baseUrl, users, ...extra}}`. */
  describe(): Record<string, { baseUrl: string; users: Record<string, string> } & Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const systems = options.systems ?? (Object.keys(EMULATORS) as SystemName[]);
  const emulators: Sandbox['emulators'] = {};
  try {
    for (const system of systems) {
      const start = EMULATORS[system];
      if (!start) throw new Error(`The sandbox has no emulator for "${system}".`);
      emulators[system] = await start({
        ...options,
        port: options.ports?.[system] ?? 0,
        asPublished: options.asPublished === true || (Array.isArray(options.asPublished) && options.asPublished.includes(system)),
        statePath: options.stateDir ? join(options.stateDir, `${system}.json`) : undefined,
      });
    }
  } catch (error) {
    await Promise.all(Object.values(emulators).map((e) => e.close()));
    throw error;
  }
  return {
    emulators,
    describe: () =>
      Object.fromEntries(
        Object.entries(emulators).map(([system, e]) => [system, { baseUrl: e.baseUrl, users: e.users, ...e.extra }]),
      ),
    close: async () => {
      await Promise.all(Object.values(emulators).map((e) => e.close()));
    },
  };
}
