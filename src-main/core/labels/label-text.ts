/**
 * A label's text lines: cleaned of what no font draws, split into runs by the font that can draw
 * them, and fitted to the width they have (smaller first, then cut with an ellipsis), so no line
 * ever runs past its label. The PDF side measures (`Measure`); everything here is plain logic.
 */

/** Which of the label's fonts a run is set in: the general one, or the one with Chinese, Japanese and Korean. */
export type FontRole = 'sans' | 'cjk';

export interface TextRun {
  text: string;
  role: FontRole;
}

/** The width of a run at a size, in points. */
export type Measure = (run: TextRun, size: number) => number;

/** Controls (tabs, newlines, C1), bidi embeddings, overrides and isolates: a label line is one plain run. */
const INVISIBLE = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]+/gu;

/** Half of a surrogate pair without its other half (text cut mid-character somewhere upstream). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One line of text from whatever a remote holds: well-formed UTF-16, no controls, spaces collapsed. */
export function cleanLine(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(INVISIBLE, ' ').replace(/\s+/gu, ' ').trim();
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303F\uFF00-\uFFEF]/u;

/** The text cut where it changes between the CJK font and the general one (neither covers the other). */
export function fontRuns(text: string, hasCjkFont: boolean): TextRun[] {
  const runs: TextRun[] = [];
  for (const ch of text) {
    const role: FontRole = hasCjkFont && CJK.test(ch) ? 'cjk' : 'sans';
    const last = runs.at(-1);
    if (last && (last.role === role || ch === ' ')) last.text += ch;
    else runs.push({ text: ch, role });
  }
  return runs;
}

export interface FittedLine {
  runs: TextRun[];
  size: number;
  /** True when the text had to be cut. */
  cut: boolean;
}

const ELLIPSIS = '…';

const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

/**
 * The line at the largest size from `maxSize` down to `minSize` (in steps of half a point) at
 * which it fits `width`; at `minSize`, as many whole characters as fit, then an ellipsis.
 */
export function fitLine(text: string, width: number, maxSize: number, minSize: number, measure: Measure, hasCjkFont: boolean): FittedLine {
  const widthOf = (runs: TextRun[], size: number) => runs.reduce((sum, r) => sum + measure(r, size), 0);
  const runs = fontRuns(text, hasCjkFont);
  for (let size = maxSize; size >= minSize; size -= 0.5) {
    if (widthOf(runs, size) <= width) return { runs, size, cut: false };
  }
  const parts = graphemes(text);
  // The longest prefix that fits with its ellipsis: a binary search over whole characters.
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const fits = widthOf(fontRuns(parts.slice(0, mid).join('').trimEnd() + ELLIPSIS, hasCjkFont), minSize) <= width;
    if (fits) lo = mid;
    else hi = mid - 1;
  }
  const cutRuns = fontRuns(parts.slice(0, lo).join('').trimEnd() + ELLIPSIS, hasCjkFont);
  // Not even the ellipsis fits (a label far too narrow): nothing is drawn rather than overflow.
  return widthOf(cutRuns, minSize) <= width ? { runs: cutRuns, size: minSize, cut: true } : { runs: [], size: minSize, cut: true };
}
