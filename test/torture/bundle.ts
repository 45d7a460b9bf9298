import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** How to start the app child: a node command line (argv without the data dir and config). */
export interface AppLauncher {
  argv: string[];
  dispose(): void;
}

/**
 * Starting the child through tsx costs ~1.2 s (it compiles the core's whole import graph each
 * time); hundreds of restarts would spend most of a run there. So the child is bundled once per
 * run with esbuild (tsx's own compiler) into one file beside this one (node_modules stays
 * external and is found by the usual lookup), which starts in ~0.4 s. `useTsx` skips the bundle.
 */
export async function prepareAppLauncher(useTsx = false): Promise<AppLauncher> {
  const entry = join(HERE, 'app-process.ts');
  if (useTsx) return { argv: ['--import', 'tsx', entry], dispose: () => undefined };
  removeStaleBuilds(join(HERE, '.build'));
  const outdir = join(HERE, '.build', `${process.pid}-${Date.now()}`);
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'app-process.mjs');
  const { build } = await import('esbuild');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
  return { argv: [outfile], dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** Bundles left by runs that were killed (their pid is gone). */
function removeStaleBuilds(root: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(root, name), { recursive: true, force: true });
    }
  }
}
