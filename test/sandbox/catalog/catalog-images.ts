import type { FastifyInstance } from 'fastify';

/**
 * Image URLs: the emulator's stand-in for `validate_image_url` (a HEAD request with redirects
 * followed) and a tiny image server of its own, so a client can exercise "the server replaced my
 * image URL with the final one after redirects" without any other server.
 */

export const IMAGE_MESSAGES = {
  scheme: 'Image URL: URL must start with "http" or "https"',
  unreachable: 'Image URL: The image server could not be reached. Double check the URL or try a different one.',
  status: (code: number) => `Image URL: A request for the image failed with status code ${code}.`,
  type: 'Image URL: The image must be a jpg, png, or gif.',
  size: 'Image URL: The image must be under 300 KB.',
} as const;

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);
const IMAGE_EXTENSIONS = /\.(jpe?g|png|gif)$/i;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 30; // requests' default
const TIMEOUT_MS = 2000;
const MAX_BYTES = 300 * 1024;

export interface ImageCheck {
  /** The URL to store: the final one after redirects once status and type were fine. */
  url: string;
  error?: string;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Loopback URLs get a real HEAD (UA `instrument-catalog`, 2 s timeout, redirects followed hop by hop).
 * Other hosts cannot be reached from a sandbox, so only their extension is checked and the URL is kept.
 */
export async function checkImageUrl(url: string): Promise<ImageCheck> {
  if (!url.startsWith('http')) return { url, error: IMAGE_MESSAGES.scheme };
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let parsed: URL;
    try {
      parsed = new URL(current);
    } catch {
      return { url, error: IMAGE_MESSAGES.unreachable };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { url, error: IMAGE_MESSAGES.unreachable };
    if (!isLoopbackHost(parsed.hostname)) {
      return IMAGE_EXTENSIONS.test(parsed.pathname) ? { url: current } : { url, error: IMAGE_MESSAGES.type };
    }
    let response: Response;
    try {
      response = await fetch(parsed.href, {
        method: 'HEAD',
        redirect: 'manual',
        headers: { 'user-agent': 'instrument-catalog' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
    } catch {
      return { url, error: IMAGE_MESSAGES.unreachable };
    }
    const location = response.headers.get('location');
    if (REDIRECT_STATUSES.has(response.status) && location) {
      current = new URL(location, parsed.href).href;
      continue;
    }
    if (response.status !== 200) return { url, error: IMAGE_MESSAGES.status(response.status) };
    if (!IMAGE_TYPES.has((response.headers.get('content-type') ?? '').toLowerCase())) {
      return { url, error: IMAGE_MESSAGES.type };
    }
    // The real code replaces the URL before the size verdict, so a too-large image echoes its final URL.
    const length = Number.parseInt(response.headers.get('content-length') ?? '0', 10);
    if (!(length > 0 && length < MAX_BYTES)) return { url: parsed.href, error: IMAGE_MESSAGES.size };
    return { url: parsed.href };
  }
  return { url, error: IMAGE_MESSAGES.unreachable };
}

// 1×1 images, so the Content-Length is small and real.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const LARGE_PNG = Buffer.concat([PNG, Buffer.alloc(400 * 1024 - PNG.length)]);
const SAFE_NAME = /^[\w-]+$/;

/**
 * `GET|HEAD /images/<name>.png|.gif` → 200 image; `/images/<name>.txt` → 200 text/plain (wrong type);
 * `/images/large/<name>.png` → 200 image/png of 400 KiB (too large); `/img/<name>` → 302 to
 * `/images/<name>.png`; anything else → 404.
 */
export function registerImageRoutes(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>('/images/:file', async (request, reply) => {
    const match = /^(.+)\.(png|gif|txt)$/.exec(request.params.file);
    if (!match || !SAFE_NAME.test(match[1]!)) return reply.code(404).type('text/plain').send('Not Found');
    if (match[2] === 'png') return reply.type('image/png').send(PNG);
    if (match[2] === 'gif') return reply.type('image/gif').send(GIF);
    return reply.type('text/plain').send('not an image\n');
  });
  app.get<{ Params: { file: string } }>('/images/large/:file', async (request, reply) => {
    const match = /^(.+)\.png$/.exec(request.params.file);
    if (!match || !SAFE_NAME.test(match[1]!)) return reply.code(404).type('text/plain').send('Not Found');
    return reply.type('image/png').send(LARGE_PNG);
  });
  app.get<{ Params: { name: string } }>('/img/:name', async (request, reply) => {
    if (!SAFE_NAME.test(request.params.name)) return reply.code(404).type('text/plain').send('Not Found');
    return reply.code(302).header('location', `/images/${request.params.name}.png`).type('text/plain').send('Found');
  });
}
