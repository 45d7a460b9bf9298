/**
 * Telling a barcode scanner from a person at the keyboard. A scanner (a USB or Bluetooth keyboard
 * wedge) types a whole code a few milliseconds per character and ends it with Enter; a person,
 * even a fast one, leaves 100 ms or more between most keys. So a burst is at least `minLength`
 * characters whose typical (median) gap is at most `burstGapMs`, none more than `maxPauseMs`
 * apart, then Enter within `maxPauseMs` of the last. The median, not every gap: on a busy
 * machine a scanner's keys arrive in clumps, with an odd gap of 100 ms among 20 ms ones.
 *
 * The detector is fed the events' own timestamps (`KeyboardEvent.timeStamp`) and never reads a
 * clock, so it is a plain state machine that the tests drive with made-up timings.
 */
export interface BurstTiming {
  burstGapMs: number;
  maxPauseMs: number;
  minLength: number;
}

/**
 * Scanners type 1–20 ms apart; a median of 50 ms is 20 keys a second, which nobody types. At
 * least four characters: a person's quick rolls (two or three keys close together) are not codes.
 */
export const SCANNER_TIMING: BurstTiming = { burstGapMs: 50, maxPauseMs: 150, minLength: 4 };

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
 * The run of characters typed so far, none more than `maxPauseMs` after the one before.
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
    const ended = last && at - last.at > this.timing.maxPauseMs ? this.take() : [];
    this.run.push({ key, at });
    return ended;
  }

  /** Enter: a scan of the run's code, or the run was typing. Either way the run is over. */
  enter(at: number): Verdict {
    const keys = this.take();
    const last = keys[keys.length - 1];
    const gaps = keys.slice(1).map((k, i) => k.at - keys[i]!.at);
    const scan = last !== undefined && keys.length >= this.timing.minLength && at - last.at <= this.timing.maxPauseMs && median(gaps) <= this.timing.burstGapMs;
    return scan ? { kind: 'scan', code: keys.map((k) => k.key).join('') } : { kind: 'typing', keys };
  }

  /** When the run is over if nothing comes (no next character, no Enter): `maxPauseMs` after its last key. Null with no run. */
  deadline(): number | null {
    const last = this.run[this.run.length - 1];
    return last ? last.at + this.timing.maxPauseMs : null;
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

/** The upper median: with as many gaps above it as below, an even count is judged by its slower half. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Infinity;
}
