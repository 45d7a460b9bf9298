import type { Page } from '@playwright/test';

/**
 * Measures what is on screen, in CSS px, the way a technician in gloves meets it (issue 11, point 3):
 * every visible interactive element and every visible piece of text, not a few chosen ones. Each
 * function returns one line per offender, naming it, so a failing assertion says what to fix.
 */

/** The issue's numbers, on purpose not read from the stylesheet: a smaller custom property must fail. */
export const GLOVE = { targetMin: 32, targetMain: 44, textMin: 12 } as const;

/** Everything a pointer or the keyboard can act on. */
const INTERACTIVE = [
  'button',
  'a[href]',
  'input:not([type="hidden"])',
  'select',
  'textarea',
  'summary',
  '[role="button"]',
  '[role="checkbox"]',
  '[role="tab"]',
  '[role="option"]',
  '[role="row"][tabindex]',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/**
 * Short texts that name something (buttons, labels, badges, counters, column headers): they must
 * stay on one line. Remote text (record titles) is data, not a label: it may wrap.
 */
const LABELS = ['h1', 'h2', 'h3', 'button', 'label', 'legend', 'summary', 'th', '[role="columnheader"]', '.badge', '.tab', '.counter', '.chip', '.field-label', '.filter label', 'dt', 'kbd'].join(',');
/**
 * Our phrases that may take two lines where room is short, but only between words (states in the
 * queue). So may a label that is a sentence (more than five words, e.g. a checkbox's).
 */
const PHRASES = ['.op-state'].join(',');

export type Check = 'size' | 'overflow' | 'wrap';

/** One line per offender of each check asked for. */
export async function layoutOffenders(page: Page, checks: readonly Check[] = ['size', 'overflow', 'wrap']): Promise<string[]> {
  const found = await page.evaluate(inPage, { checks: [...checks], INTERACTIVE, LABELS, PHRASES, GLOVE });
  return found;
}

export const sizeOffenders = (page: Page) => layoutOffenders(page, ['size']);
export const overflowOffenders = (page: Page) => layoutOffenders(page, ['overflow']);
export const wrapOffenders = (page: Page) => layoutOffenders(page, ['wrap']);

/**
 * Runs in the page (one function: the app's CSP allows no eval, so nothing is assembled there).
 * - size: every interactive element at least GLOVE.targetMin (a `.button`, the main actions:
 *   GLOVE.targetMain) both ways; a checkbox's target is its label. Every text node and control at
 *   least GLOVE.textMin.
 * - overflow: the page never scrolls either way, no box scrolls sideways, every control and label
 *   lies inside the window and inside every box that clips it (vertical scroll areas excepted),
 *   and no label, button, select or hint is too narrow for its own text; no ellipsis but on
 *   remote data, or on text whose whole is its tooltip (the one-row status bar).
 * - wrap: labels, buttons, badges and headers stay on one line; no word of a label or phrase of
 *   ours is broken across lines.
 */
function inPage({
  checks,
  INTERACTIVE,
  LABELS,
  PHRASES,
  GLOVE,
}: {
  checks: Check[];
  INTERACTIVE: string;
  LABELS: string;
  PHRASES: string;
  GLOVE: { targetMin: number; targetMain: number; textMin: number };
}): string[] {
  const out: string[] = [];
  const visible = (el: Element): boolean => {
    if (el.closest('.visually-hidden, [hidden], template')) return false;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    // A 1 px box is the visually-hidden pattern (text for screen readers only).
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const describe = (el: Element): string => {
    const tag = el.tagName.toLowerCase();
    const role = el.getAttribute('role');
    const type = el instanceof HTMLInputElement ? `[type=${el.type}]` : '';
    const name =
      el.getAttribute('aria-label') ??
      (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement
        ? (el.labels?.[0]?.textContent ?? el.getAttribute('placeholder') ?? el.id)
        : el.textContent);
    const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    const text = (name ?? '').replace(/\s+/g, ' ').trim().slice(0, 50);
    return `${tag}${type}${role ? `[role=${role}]` : ''}${cls} “${text}”`;
  };
  /** A checkbox's target is the box that takes its clicks: its label, or a row's `.check-target`. */
  const targetOf = (el: Element): Element => {
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) return el.closest('label, .check-target') ?? el.labels?.[0] ?? el;
    return el;
  };
  const remote = (el: Element) => Boolean(el.closest('.remote, bdi') || el.querySelector('.remote, bdi'));
  const textWidth = (el: Element, text: string) => {
    const s = getComputedStyle(el);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    return { need: ctx.measureText(text).width, room: el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) };
  };
  const interactive = [...document.querySelectorAll(INTERACTIVE)].filter((el) => visible(el) && !el.matches('[role="listbox"], [role="grid"]'));
  const labels = [...document.querySelectorAll(LABELS)].filter(visible);

  if (checks.includes('size')) {
    for (const el of interactive) {
      const target = targetOf(el);
      const r = target.getBoundingClientRect();
      const main = target.matches('.button');
      const need = main ? GLOVE.targetMain : GLOVE.targetMin;
      if (r.height < need - 0.5 || r.width < need - 0.5) {
        out.push(`${describe(el)} is ${r.width.toFixed(1)}×${r.height.toFixed(1)} px; ${main ? 'a main action' : 'a target'} needs ${need}×${need}`);
      }
      if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < GLOVE.textMin - 0.01) out.push(`${describe(el)}: its text is ${size.toFixed(1)} px; text needs ${GLOVE.textMin}`);
      }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent?.trim() || seen.has(parent)) continue;
      if (parent.closest('script, style, option, optgroup, select') || !visible(parent)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const size = parseFloat(getComputedStyle(parent).fontSize);
      if (size < GLOVE.textMin - 0.01) {
        seen.add(parent);
        out.push(`${describe(parent)}: text is ${size.toFixed(1)} px; text needs ${GLOVE.textMin}`);
      }
    }
  }

  if (checks.includes('overflow')) {
    const root = document.documentElement;
    if (root.scrollWidth > innerWidth + 0.5) out.push(`the page is ${root.scrollWidth - innerWidth} px wider than the window (${innerWidth} px)`);
    if (root.scrollHeight > innerHeight + 0.5) out.push(`the page is ${root.scrollHeight - innerHeight} px taller than the window (${innerHeight} px)`);
    const all = [...document.body.querySelectorAll('*')].filter(visible);
    for (const el of all) {
      const style = getComputedStyle(el);
      if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${describe(el)} scrolls sideways: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
      }
      // Cut short only where the whole text is one hover away (its title), as the status bar's
      // chips and messages are (which must stay on one row; the Connections view says it all).
      if (style.textOverflow === 'ellipsis' && !remote(el) && !el.getAttribute('title') && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${describe(el)} is cut short with an ellipsis (${el.scrollWidth} px in ${el.clientWidth} px)`);
      }
    }
    for (const el of new Set([...interactive, ...labels])) {
      const r = el.getBoundingClientRect();
      if (r.left < -0.5 || r.right > innerWidth + 0.5) out.push(`${describe(el)} is outside the window (${r.left.toFixed(0)}…${r.right.toFixed(0)} of ${innerWidth} px)`);
      // Vertically, what must fit in a clipping box is the element, or the scroll area it can be scrolled into view in.
      let top = r.top;
      let bottom = r.bottom;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        const ar = a.getBoundingClientRect();
        const left = ar.left + a.clientLeft;
        // clientWidth/clientHeight are whole pixels: a pixel of rounding is not a cut.
        if (s.overflowX !== 'visible' && (r.left < left - 1 || r.right > left + a.clientWidth + 1)) {
          out.push(`${describe(el)} is cut off sideways by ${describe(a)}`);
          break;
        }
        const innerTop = ar.top + a.clientTop;
        if (s.overflowY === 'auto' || s.overflowY === 'scroll') {
          top = innerTop;
          bottom = innerTop + a.clientHeight;
        } else if (s.overflowY !== 'visible' && (top < innerTop - 1 || bottom > innerTop + a.clientHeight + 1)) {
          out.push(`${describe(el)} is cut off (and cannot be scrolled to) by ${describe(a)}`);
          break;
        }
      }
      if (el instanceof HTMLSelectElement) {
        const text = el.selectedOptions[0]?.textContent ?? '';
        const { need, room } = textWidth(el, text);
        if (need > room + 0.5) out.push(`${describe(el)} shows “${text}” in ${room.toFixed(0)} px; it needs ${need.toFixed(0)} px`);
      } else if (el instanceof HTMLInputElement && el.placeholder && !el.value) {
        const { need, room } = textWidth(el, el.placeholder);
        if (need > room + 0.5) out.push(`${describe(el)}: its hint is cut off (${need.toFixed(0)} px of text in ${room.toFixed(0)} px)`);
      } else if (!remote(el) && !el.getAttribute('title') && getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${describe(el)}: its text is cut off (${el.scrollWidth} px in ${el.clientWidth} px)`);
      }
    }
  }

  if (checks.includes('wrap')) {
    /** How many lines these boxes of text take: a box below the line above (no vertical overlap) starts a new one. */
    const lineCount = (rects: DOMRect[]) => {
      let lines = 0;
      let bottom = -Infinity;
      for (const r of [...rects].filter((r) => r.width > 0.5 && r.height > 0).sort((a, b) => a.top - b.top)) {
        if (r.top >= bottom - 1) {
          lines++;
          bottom = r.bottom;
        } else bottom = Math.max(bottom, r.bottom);
      }
      return lines;
    };
    const textNodes = (el: Element) => {
      const nodes: Text[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.textContent?.trim() && node.parentElement && visible(node.parentElement)) nodes.push(node as Text);
      }
      return nodes;
    };
    const phrases = [...document.querySelectorAll(PHRASES)].filter(visible);
    for (const el of [...labels, ...phrases]) {
      if (remote(el)) continue;
      const nodes = textNodes(el);
      const sentence = (el.textContent ?? '').trim().split(/\s+/).length > 5;
      if (!el.matches(PHRASES) && !sentence) {
        const lines = lineCount(nodes.flatMap((n) => {
          const range = document.createRange();
          range.selectNodeContents(n);
          return [...range.getClientRects()];
        }));
        if (lines > 1) out.push(`${describe(el)} wraps onto ${lines} lines`);
      }
      for (const n of nodes) {
        for (const word of n.data.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(n, word.index);
          range.setEnd(n, word.index + word[0].length);
          if (lineCount([...range.getClientRects()]) > 1) out.push(`${describe(el)}: the word “${word[0]}” is broken across lines`);
        }
      }
    }
  }
  return out;
}
