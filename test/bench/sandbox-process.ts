import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type SandboxDescription = Record<string, { baseUrl: string; users: Record<string, string> } & Record<string, unknown>>;

/**
 * The sandbox in its own process (as `npm run sandbox` runs it), so the emulators' work does not
 * count against the app's time and memory.
 */
export async function spawnSandbox(args: string[]): Promise<{ description: SandboxDescription; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/sandbox/cli.ts', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(l));
    child.once('exit', (code) => reject(new Error(`the sandbox exited with code ${code} before it was ready`)));
  });
  return {
    description: JSON.parse(line) as SandboxDescription,
    // Safe to call twice: a child that already exited resolves at once.
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
