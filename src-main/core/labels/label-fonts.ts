import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The fonts labels are set in: TrueType files of the machine's own, so names in any script the
 * font covers print as written (Debian's fonts-dejavu-core: Latin, Greek, Cyrillic, Hebrew,
 * Arabic, …; fonts-droid-fallback for Chinese, Japanese and Korean). pdfkit embeds the glyphs
 * used. Where none is found, pdfkit's built-in Helvetica and Courier, which only have Western
 * European letters: other characters print as "?" (`unicode: false`).
 */
export interface LabelFonts {
  /** A font file path, or a pdfkit built-in font name. */
  sans: string;
  bold: string;
  mono: string;
  /** Chinese, Japanese and Korean, where `sans` lacks them; null when there is no such font (or `sans` has them). */
  cjk: string | null;
  unicode: boolean;
}

const windowsFonts = join(process.env.WINDIR ?? 'C:\\Windows', 'Fonts');

const CANDIDATES = {
  sans: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/System/Library/Fonts/Supplemental/Arial Unicode.ttf', '/Library/Fonts/Arial Unicode.ttf', join(windowsFonts, 'arial.ttf')],
  bold: ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', '/System/Library/Fonts/Supplemental/Arial Bold.ttf', join(windowsFonts, 'arialbd.ttf')],
  mono: ['/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf', '/System/Library/Fonts/Supplemental/Courier New.ttf', join(windowsFonts, 'consola.ttf')],
  cjk: ['/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf'],
};

const first = (paths: readonly string[]) => paths.find((p) => existsSync(p)) ?? null;

let found: LabelFonts | undefined;

/** The fonts found on this machine (looked for once). */
export function labelFonts(): LabelFonts {
  if (found) return found;
  const sans = first(CANDIDATES.sans);
  if (!sans) return (found = { sans: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier', cjk: null, unicode: false });
  // Arial Unicode (macOS) has the CJK ideographs itself.
  const cjk = sans.includes('Arial Unicode') ? null : first(CANDIDATES.cjk);
  return (found = { sans, bold: first(CANDIDATES.bold) ?? sans, mono: first(CANDIDATES.mono) ?? sans, cjk, unicode: true });
}

/** What a built-in font can draw (WinAnsi, roughly Latin-1); anything else becomes "?". */
export function westernOnly(text: string): string {
  return text.replace(/[^\x20-\x7E\xA0-\xFF]/gu, '?');
}
