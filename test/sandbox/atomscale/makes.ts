/**
 * Splits the create body's `name` ("Manufacturer and model", e.g. "Veeco GEN10") into the
 * `source_manufacturer` / `source_model` pair. Many vendors have several words in their name
 * ("Kurt J. Lesker PVD 75"), so known vendors are matched first (longest first, ignoring case)
 * and otherwise the first word is taken as the manufacturer.
 */
export const KNOWN_MANUFACTURERS = [
  'Kurt J. Lesker',
  'Oxford Instruments',
  'Angstrom Engineering',
  'AJA International',
  'Scienta Omicron',
  'MBE Komponenten',
  'SVT Associates',
  'Denton Vacuum',
  'CVD Equipment',
  'Cambridge NanoTech',
  'Applied Materials',
  'Plasma-Therm',
  'PVD Products',
  'Lam Research',
  'Tokyo Electron',
  'Veeco',
  'Riber',
  'DCA',
  'AJA',
  'Picosun',
  'Beneq',
  'Neocera',
  'Aixtron',
  'Prevac',
  'Ultratech',
  'Arradiance',
  'Intlvac',
  'Semicore',
].sort((a, b) => b.length - a.length);

export function splitMakeName(name: string): { manufacturer: string; model: string } {
  const text = name.trim().replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  for (const known of KNOWN_MANUFACTURERS) {
    const k = known.toLowerCase();
    if (lower === k || lower.startsWith(`${k} `)) {
      return { manufacturer: text.slice(0, known.length), model: text.slice(known.length).trim() };
    }
  }
  const space = text.indexOf(' ');
  if (space < 0) return { manufacturer: text, model: '' };
  return { manufacturer: text.slice(0, space), model: text.slice(space + 1) };
}
