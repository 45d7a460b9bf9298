/**
 * Telling a barcode scanner from a person at the keyboard. A scanner (a USB or Bluetooth keyboard
 * wedge) types a whole code a few milliseconds per character and ends it with Enter; a person,
 * even a fast one, leaves tens of milliseconds between most keys and does not keep it up over a
 * whole code. So a burst is at least `minLength` characters, each within `maxGapMs` of the one
 * before, then Enter within `maxEnterGapMs` of the last (some scanners pause before the suffix).
 *
 * The detector is fed the events' own timestamps (`KeyboardEvent.timeStamp`) and never reads a
 * clock, so it is a plain state machine that the tests drive with made-up timings.
 */
export interface BurstTiming {
  maxGapMs: number;
  maxEnterGapMs: number;
  minLength: number;
}

/**
 * Scanners type 1–20 ms apart; 50 ms leaves room for a loaded machine. At least four characters:
 * a person's quick rolls (two or three keys close together) never make a burst.
 */
export const SCANNER_TIMING: BurstTiming = { maxGapMs: 50, maxEnterGapMs: 100, minLength: 4 };

export interface Keystroke {
  key: string;
  at: number;
}

export type Verdict = { kind: 'scan'; code: string } | { kind: 'typing'; keys: Keystroke[] };

/** A key a scanner may type as part of a code: one visible character (no space, no control key). */
export function isScanCharacter(key: string): boolean {
  return [...key].length === 1 && /^[^\p{White_Space}\p{Cc}]$/u.test(key);
}

/**
 * The run of characters typed so far, each close enough to the one before to still be a burst.
 * Characters the run leaves behind are "typing", returned in the order they came, so the caller
 * can let them do what a person's keys do (fire a shortcut, say).
 */
export class BurstDetector {
  private run: Keystroke[] = [];

  constructor(private readonly timing: BurstTiming = SCANNER_TIMING) {}

  /** Characters in the current run. */
  get length(): number {
    return this.run.length;
  }

  /** A character (see `isScanCharacter`). Returns the run it ended, if it came too late to continue it. */
  char(key: string, at: number): Keystroke[] {
    const last = this.run[this.run.length - 1];
    const ended = last && at - last.at > this.timing.maxGapMs ? this.take() : [];
    this.run.push({ key, at });
    return ended;
  }

  /** Enter: a scan of the run's code, or the run was typing. Either way the run is over. */
  enter(at: number): Verdict {
    const last = this.run[this.run.length - 1];
    const scan = last !== undefined && this.run.length >= this.timing.minLength && at - last.at <= this.timing.maxEnterGapMs;
    const keys = this.take();
    return scan ? { kind: 'scan', code: keys.map((k) => k.key).join('') } : { kind: 'typing', keys };
  }

  /**
   * When the run is over if nothing comes: a next character is due within `maxGapMs`, but a run
   * long enough to be a code may still get its Enter until `maxEnterGapMs`. Null with no run.
   */
  deadline(): number | null {
    const last = this.run[this.run.length - 1];
    if (!last) return null;
    return last.at + (this.run.length >= this.timing.minLength ? this.timing.maxEnterGapMs : this.timing.maxGapMs);
  }

  /** Time went by (`at`): the run, once past its deadline, was typing. */
  idle(at: number): Keystroke[] {
    const deadline = this.deadline();
    return deadline !== null && at > deadline ? this.take() : [];
  }

  /** Some other key (an arrow, Escape, a chord): no scanner sends it inside a code, so the run was typing. */
  interrupt(): Keystroke[] {
    return this.take();
  }

  private take(): Keystroke[] {
    const run = this.run;
    this.run = [];
    return run;
  }
}
