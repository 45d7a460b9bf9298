import type { Tone } from './scan-session';

/**
 * A scan session's sounds, made with Web Audio (an oscillator per note, no audio files), so a
 * technician hears what a scan came to without looking: one rising chirp for a fine row, a low
 * buzz twice for a row that needs them, a falling two-note alarm for an overdue record.
 */
export interface Note {
  hz: number;
  ms: number;
}
export interface ToneShape {
  type: OscillatorType;
  notes: readonly Note[];
}

export const TONES: Record<Tone, ToneShape> = {
  ok: { type: 'sine', notes: [{ hz: 880, ms: 70 }, { hz: 1320, ms: 90 }] },
  problem: { type: 'square', notes: [{ hz: 196, ms: 140 }, { hz: 0, ms: 60 }, { hz: 196, ms: 140 }] },
  overdue: { type: 'sawtooth', notes: [{ hz: 660, ms: 180 }, { hz: 440, ms: 260 }] },
};

/** Loud enough over a fume hood, short enough not to annoy across a hundred scans. */
const VOLUME = 0.15;

let context: AudioContext | null = null;

/** Plays a tone; silent where the page has no Web Audio (or it is refused). Never throws. */
export function playTone(tone: Tone): void {
  try {
    context ??= new AudioContext();
    // A context made before the page had a key press starts suspended; a scan's keys count as one.
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    const shape = TONES[tone];
    let at = context.currentTime + 0.01;
    for (const note of shape.notes) {
      const seconds = note.ms / 1000;
      // A rest: silence between notes.
      if (note.hz > 0) {
        const osc = context.createOscillator();
        const gain = context.createGain();
        osc.type = shape.type;
        osc.frequency.value = note.hz;
        // A short fade in and out: no click at either end.
        gain.gain.setValueAtTime(0, at);
        gain.gain.linearRampToValueAtTime(VOLUME, at + 0.01);
        gain.gain.setValueAtTime(VOLUME, at + seconds - 0.02);
        gain.gain.linearRampToValueAtTime(0, at + seconds);
        osc.connect(gain).connect(context.destination);
        osc.start(at);
        osc.stop(at + seconds);
      }
      at += seconds;
    }
  } catch {
    // No audio device, or the browser refused: the row's colour and words still say it.
  }
}
