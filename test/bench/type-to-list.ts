import { chromium } from '@playwright/test';
import playwrightConfig from '../../playwright.config';
import { percentile, round } from './stats';
import type { rawSearch } from './raw-search';

/**
 * From a keypress in the search box to the list showing that text's answer, in Chromium against the
 * headless app: each word typed one key at a time, as a technician types, waiting for the list
 * before the next key. Timed in the page: from the keydown event to the first animation frame after
 * the DOM shows the new count ("N matches for “text”", the list no longer busy) with its rows.
 * A space changes no visible text (the count quotes the trimmed text), so it is typed, not timed.
 */
export interface TypeToListFigures {
  keystrokes: number;
  typeToListP50Ms: number;
  typeToListP95Ms: number;
  /** The same texts' first pages in raw SQL (raw-search.ts), the part of it that is SQLite. */
  typedRawSqlP95Ms: number;
  typeToListOverRawSql: number;
}

const WORDS = ['microscope', 'amp', 'veeco mbe', 'hplc agilent', 'rig 2', 'laser', 'balance', 'sputter', 'ephys', 'camera'];
const ROUNDS = 3;
/** A short pause after each answer, as between a person's keys (timed keystrokes never overlap). */
const PAUSE_MS = 40;

declare global {
  interface Window {
    benchArm?: (text: string) => void;
    benchDone?: number | null;
    benchWait?: () => Promise<number>;
  }
}

/**
 * In the page: arm before a key; `benchDone` becomes the ms from its keydown to the frame showing
 * `text`'s answer, and `benchWait()` resolves with it. A promise, not Playwright's polling on every
 * animation frame: that runs a function in the page each frame while the core searches, which on
 * two cores takes time from the very things measured. Plain JavaScript text: the bench's
 * TypeScript is compiled with helpers the page lacks.
 */
const PROBE = `(() => {
  const input = document.querySelector('input[type="search"]');
  const pane = document.querySelector('.list-pane');
  let keydownAt = null;
  let expected = null;
  let waiter = null;
  input.addEventListener('keydown', (e) => { if (keydownAt === null) keydownAt = e.timeStamp; }, true);
  const shown = () => {
    const count = pane.querySelector('.result-count [aria-live]')?.textContent ?? '';
    const busy = pane.querySelector('[role="listbox"]')?.getAttribute('aria-busy');
    const rows = pane.querySelector('.row-title') || pane.querySelector('.empty-rows');
    return expected !== null && busy === 'false' && count.endsWith('for \u201c' + expected + '\u201d') && Boolean(rows);
  };
  new MutationObserver(() => {
    if (keydownAt === null || !shown()) return;
    const from = keydownAt;
    expected = null;
    requestAnimationFrame(() => {
      window.benchDone = performance.now() - from;
      if (waiter) waiter(window.benchDone);
      waiter = null;
    });
  }).observe(pane, { subtree: true, childList: true, characterData: true, attributes: true });
  window.benchArm = (text) => { keydownAt = null; expected = text; window.benchDone = null; waiter = null; };
  window.benchWait = () => new Promise((resolve, reject) => {
    if (window.benchDone !== null) return resolve(window.benchDone);
    waiter = resolve;
    setTimeout(() => reject(new Error('The list did not show ' + expected + ' within 10 s.')), 10000);
  });
})()`;

export async function benchTypeToList(url: string, raw: ReturnType<typeof rawSearch>): Promise<TypeToListFigures> {
  const browser = await chromium.launch({ ...playwrightConfig.use?.launchOptions, headless: true });
  try {
    const page = await browser.newPage({ viewport: playwrightConfig.use?.viewport ?? { width: 1280, height: 800 } });
    await page.goto(url);
    await page.getByText(/^[\d,]+ records$/).waitFor({ timeout: 30_000 });
    await page.evaluate(PROBE);
    const search = page.getByRole('searchbox', { name: 'Search records' });
    const samples: number[] = [];
    const typed: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const word of WORDS) {
        await search.fill('');
        await page.getByText(/^[\d,]+ records$/).waitFor();
        for (let i = 0; i < word.length; i++) {
          const text = word.slice(0, i + 1);
          const timedKey = word[i] !== ' ';
          if (!timedKey) {
            await page.keyboard.press('Space');
            await page.locator('[role="listbox"][aria-busy="false"]').waitFor();
            continue;
          }
          await page.evaluate((t) => window.benchArm!(t), text.trim());
          const shown = page.evaluate(() => window.benchWait!());
          await page.keyboard.press(word[i]!);
          samples.push(await shown);
          typed.push(text);
          await page.waitForTimeout(PAUSE_MS);
        }
      }
    }
    const rawTimes = typed.map((t) => raw.page(t));
    const p95 = percentile(samples, 95);
    const rawP95 = percentile(rawTimes, 95);
    return {
      keystrokes: samples.length,
      typeToListP50Ms: round(percentile(samples, 50), 1),
      typeToListP95Ms: round(p95, 1),
      typedRawSqlP95Ms: round(rawP95, 2),
      typeToListOverRawSql: round(p95 / rawP95, 1),
    };
  } finally {
    await browser.close();
  }
}
