import type { Page } from '@playwright/test';

/**
 * A keyboard-wedge scanner: the code and Enter, 5 ms apart, as trusted key events with their own
 * timestamps (text goes into a focused field, as a real scanner's does).
 */
export async function scanInto(page: Page, code: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now() / 1000;
  const keys: { key: string; text: string; code?: string; windowsVirtualKeyCode?: number }[] = [...code].map((k) => ({ key: k, text: k }));
  keys.push({ key: 'Enter', text: '\r', code: 'Enter', windowsVirtualKeyCode: 13 });
  await Promise.all(
    keys.flatMap((k, i) => [
      cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...k, timestamp: start + i * 0.005 }),
      cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, timestamp: start + i * 0.005 + 0.002 }),
    ]),
  );
  await cdp.detach();
}
