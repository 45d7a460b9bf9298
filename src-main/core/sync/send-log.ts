import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The requests sent to one remote inside its rate-limit windows, kept in SQLite so that a relaunch
 * (or a crash and relaunch) does not start with an empty limiter and overrun the remote's limit.
 * Writes are queued in order and never block a request.
 */
export class SendLog {
  private chain: Promise<void> = Promise.resolve();
  private sinceTrim = 0;
  private readonly pending: number[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly connectionId: string,
    /** The longest window: older sends no longer count. */
    private readonly keepMs: number,
  ) {}

  /** Sends still inside the windows, oldest first. */
  async recent(now = Date.now()): Promise<number[]> {
    const rows = await this.db
      .selectFrom('rate_limit_sends')
      .select('sent_at')
      .where('connection_id', '=', this.connectionId)
      .where('sent_at', '>', now - this.keepMs)
      .orderBy('sent_at')
      .execute();
    // A clock that went back must not make old sends look like future ones.
    return rows.map((r) => Math.min(r.sent_at, now));
  }

  /** Sends granted in the same turn of the event loop are written together, in one statement. */
  record(at: number): void {
    this.pending.push(at);
    if (this.pending.length > 1) return;
    this.chain = this.chain
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(async () => {
        const batch = this.pending.splice(0);
        this.sinceTrim += batch.length;
        await this.db
          .insertInto('rate_limit_sends')
          .values(batch.map((sent_at) => ({ connection_id: this.connectionId, sent_at })))
          .execute();
        if (this.sinceTrim >= 100) {
          this.sinceTrim = 0;
          await this.db.deleteFrom('rate_limit_sends').where('connection_id', '=', this.connectionId).where('sent_at', '<=', batch[0]! - this.keepMs).execute();
        }
      })
      // A lost record only makes the next launch's limiter a little less careful; it must not break sending.
      .catch(() => undefined);
  }

  /** Waits for queued writes (before the database closes). */
  flush(): Promise<void> {
    return this.chain;
  }
}
