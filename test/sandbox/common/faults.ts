import { createRandom, type Random } from './random';

/**
 * Fault injection shared by all emulators. Rates are fractions in [0, 1] drawn from a seeded
 * PRNG; one-shot faults (`queue`) hit the next matching requests, for deterministic tests.
 */
export interface FaultConfig {
  /** Added to every request before it is handled. */
  latencyMs: number;
  latencyJitterMs: number;
  /** Fraction of requests answered with `errorStatus` before they are handled (nothing changes). */
  errorRate: number;
  errorStatus: number;
  /** Fraction of mutating requests whose connection is destroyed after the server committed them. */
  resetAfterCommitRate: number;
  /** Every request is answered 429 until this time (epoch ms): a 429 storm. */
  storm429UntilMs: number;
  /** The network is gone: the server stops listening (connection refused) and drops open connections. */
  offline: boolean;
}

export type OneShotFault =
  | { kind: 'status'; status: number; method?: string; pathIncludes?: string }
  | { kind: 'reset-after-commit'; method?: string; pathIncludes?: string }
  | { kind: 'reset-before'; method?: string; pathIncludes?: string };

export const NO_FAULTS: FaultConfig = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  errorStatus: 503,
  resetAfterCommitRate: 0,
  storm429UntilMs: 0,
  offline: false,
};

export type RequestFault =
  | { kind: 'none' }
  | { kind: 'status'; status: number }
  | { kind: 'storm429' }
  | { kind: 'reset-before' };

export class FaultController {
  private config: FaultConfig;
  private readonly oneShots: OneShotFault[] = [];
  private readonly random: Random;
  private readonly listeners = new Set<(config: FaultConfig) => void>();

  constructor(initial: Partial<FaultConfig> = {}, seed = 1) {
    this.config = { ...NO_FAULTS, ...initial };
    this.random = createRandom(seed);
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  set(patch: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...patch };
    for (const l of this.listeners) l(this.current);
  }

  reset(): void {
    this.oneShots.length = 0;
    this.set(NO_FAULTS);
  }

  /** Called after every change of the configuration (the server stops listening while offline). */
  onChange(listener: (config: FaultConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queue a fault for the next request that matches it. */
  queue(fault: OneShotFault): void {
    this.oneShots.push(fault);
  }

  /** Starts a 429 storm lasting `ms`. */
  storm429(ms: number): void {
    this.config.storm429UntilMs = Date.now() + ms;
  }

  latencyFor(): number {
    const { latencyMs, latencyJitterMs } = this.config;
    return latencyMs + (latencyJitterMs > 0 ? this.random.next() * latencyJitterMs : 0);
  }

  /** What to do with a request before it is handled. */
  before(method: string, path: string): RequestFault {
    const shot = this.takeOneShot(method, path, ['status', 'reset-before']);
    if (shot?.kind === 'status') return { kind: 'status', status: shot.status };
    if (shot?.kind === 'reset-before') return { kind: 'reset-before' };
    if (this.config.storm429UntilMs > Date.now()) return { kind: 'storm429' };
    if (this.config.errorRate > 0 && this.random.chance(this.config.errorRate)) {
      return { kind: 'status', status: this.config.errorStatus };
    }
    return { kind: 'none' };
  }

  /** Whether to destroy the connection after the handler committed its change. */
  resetAfterCommit(method: string, path: string): boolean {
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
    if (this.takeOneShot(method, path, ['reset-after-commit'])) return true;
    return this.config.resetAfterCommitRate > 0 && this.random.chance(this.config.resetAfterCommitRate);
  }

  private takeOneShot(method: string, path: string, kinds: OneShotFault['kind'][]): OneShotFault | undefined {
    const i = this.oneShots.findIndex(
      (f) =>
        kinds.includes(f.kind) &&
        (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
        (!f.pathIncludes || path.includes(f.pathIncludes)),
    );
    if (i < 0) return undefined;
    return this.oneShots.splice(i, 1)[0];
  }
}
