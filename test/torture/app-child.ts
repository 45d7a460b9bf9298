import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { DispatchReply } from '../../src-main/core/dispatch';
import type { AppProcessConfig } from './app-process';
import type { AppLauncher } from './bundle';

/** The child died (killed, crashed or quit) before it answered this call: its outcome is unknown. */
export class AppGone extends Error {
  constructor(method: string) {
    super(`the app exited before answering ${method}`);
    this.name = 'AppGone';
  }
}

const STDERR_TAIL = 4_000;

/** One run of the app child on a data dir: calls through the contract, SIGKILL, graceful quit. */
export class AppChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { method: string; resolve(r: DispatchReply): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private stderr = '';
  /** Set when the driver killed or quit it; an exit without it is the app crashing by itself. */
  private exitRequested = false;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        for (const [id, w] of this.waiting) {
          clearTimeout(w.timer);
          w.reject(new AppGone(w.method));
          this.waiting.delete(id);
        }
        resolve({ code, signal });
      });
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
  }

  static async start(launcher: AppLauncher, dataDir: string, config: AppProcessConfig, readyTimeoutMs = 15_000): Promise<AppChild> {
    const child = spawn(process.execPath, [...launcher.argv, dataDir, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const app = new AppChild(child);
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the app did not start within ${readyTimeoutMs} ms: ${app.stderr}`));
      }, readyTimeoutMs);
      lines.once('line', () => {
        clearTimeout(timer);
        resolve();
      });
      void app.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`the app exited (${code ?? signal}) before it was ready: ${app.stderr}`));
      });
    });
    lines.on('line', (line) => app.onLine(line));
    return app;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** It exited without being killed or asked to quit. */
  get crashedByItself(): boolean {
    return !this.alive && !this.exitRequested;
  }

  get stderrTail(): string {
    return this.stderr;
  }

  /** A contract call; rejects with AppGone if the child dies first, or on timeout (the child is then killed). */
  call(method: string, payload: unknown = {}, timeoutMs = 10_000): Promise<DispatchReply> {
    if (!this.alive) return Promise.reject(new AppGone(method));
    const id = this.nextId++;
    return new Promise<DispatchReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { method, resolve, reject, timer });
      this.child.stdin!.write(`${JSON.stringify({ id, method, payload })}\n`);
    });
  }

  /** Like `call`, but a refused call throws with the contract's error. */
  async value<T = any>(method: string, payload: unknown = {}, timeoutMs?: number): Promise<T> {
    const reply = await this.call(method, payload, timeoutMs);
    if (!reply.ok) throw new Error(`${method} failed: ${reply.error.code}: ${reply.error.message}`);
    return reply.value as T;
  }

  /** kill -9: no chance to finish anything. */
  async kill(): Promise<void> {
    this.exitRequested = true;
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful quit; resolves with the exit code (3: close hung; null: had to be killed). */
  async quit(timeoutMs = 12_000): Promise<number | null> {
    this.exitRequested = true;
    if (!this.alive) return (await this.exited).code;
    this.child.stdin!.write(`${JSON.stringify({ id: 0, method: 'quit' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private onLine(line: string): void {
    let message: { id?: number; reply?: DispatchReply };
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    const w = message.id === undefined ? undefined : this.waiting.get(message.id);
    if (!w || !message.reply) return;
    clearTimeout(w.timer);
    this.waiting.delete(message.id!);
    w.resolve(message.reply);
  }
}
