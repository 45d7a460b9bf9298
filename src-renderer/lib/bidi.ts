/**
 * Remote text is shown as it was typed, in logical order: explicit bidi embeddings, overrides and
 * isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI) are left out of what is displayed, so
 * "abc\u202Edcba" reads "abcdcba" instead of "abcabcd", and an unclosed override cannot reverse
 * the labels around it. The data keeps them: forms, exports and sends use the stored value.
 * Right-to-left scripts still display right to left (that needs no control characters), and
 * `.remote` isolates each piece of remote text from its neighbours (styles.css).
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function shown(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
