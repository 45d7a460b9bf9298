/**
 * The window's remembered size and position: parsed and validated from the JSON file in the data
 * folder, then placed on a display that is there now. Pure (test/unit/shell-policy.test.ts).
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

/** Where and how big to open the window; no x/y means "centred" (Electron's default). */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const MIN_SIZE = { width: 640, height: 480 } as const;
const LIMIT = 100_000;

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The saved state, or null when the file is missing, not JSON, or not what we write. */
export function parseWindowState(text: string | null | undefined): WindowState | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return null;
  const b = v.bounds as Record<string, unknown> | null | undefined;
  if (typeof b !== 'object' || b === null) return null;
  if (!isInt(b.x, -LIMIT, LIMIT) || !isInt(b.y, -LIMIT, LIMIT) || !isInt(b.width, 1, LIMIT) || !isInt(b.height, 1, LIMIT)) return null;
  if (v.maximized !== undefined && typeof v.maximized !== 'boolean') return null;
  return { bounds: { x: b.x, y: b.y, width: b.width, height: b.height }, maximized: v.maximized === true };
}

export function serializeWindowState(state: WindowState): string {
  const { x, y, width, height } = state.bounds;
  return `${JSON.stringify({ version: 1, bounds: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) }, maximized: state.maximized })}\n`;
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), Math.max(lo, hi));

/**
 * Where to open the window. `workAreas` are the displays' work areas now, the primary first. The
 * saved bounds go to the display they overlap most, shrunk to fit it and moved fully inside it; a
 * window that overlaps no display now (a monitor was unplugged) opens centred on the primary one.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rect[]): WindowPlacement {
  const primary = workAreas[0];
  if (!primary) return { width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height, maximized: saved?.maximized ?? false };
  const fit = (size: { width: number; height: number }, area: Rect) => ({
    width: Math.min(Math.max(size.width, MIN_SIZE.width), area.width),
    height: Math.min(Math.max(size.height, MIN_SIZE.height), area.height),
  });
  if (!saved) return { ...fit(DEFAULT_SIZE, primary), maximized: false };
  let best: Rect | null = null;
  let bestOverlap = 0;
  for (const area of workAreas) {
    const o = overlap(saved.bounds, area);
    if (o > bestOverlap) {
      best = area;
      bestOverlap = o;
    }
  }
  if (!best) return { ...fit(saved.bounds, primary), maximized: saved.maximized };
  const size = fit(saved.bounds, best);
  return {
    x: clamp(saved.bounds.x, best.x, best.x + best.width - size.width),
    y: clamp(saved.bounds.y, best.y, best.y + best.height - size.height),
    ...size,
    maximized: saved.maximized,
  };
}
