import type { ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import { shown } from '../lib/bidi';
import './MarkdownText.css';

/**
 * A field the remote stores as Markdown (the catalog's descriptions: `**Vendor:** …`), drawn as
 * formatted text. Nothing in it can run or fetch: raw HTML stays visible text (react-markdown
 * without rehype-raw), only absolute http(s) and mailto links are kept (a relative one would
 * point into the app), and an image is drawn as its description and a link, never loaded (the
 * app works offline and must not call out). Links open outside the app, as other record links do.
 */
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

function safeUrl(url: string): string {
  return SAFE_LINK.test(url.trim()) ? url.trim() : '';
}

const HEADING = ({ children }: { children?: ReactNode }) => <p className="md-heading">{children}</p>;

const COMPONENTS: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noreferrer" className="value-link">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) => (
    <span className="md-image">
      Image{alt ? `: ${alt}` : ''}
      {typeof src === 'string' && src ? (
        <>
          {' '}
          (
          <a href={src} target="_blank" rel="noreferrer" className="value-link">
            link
          </a>
          )
        </>
      ) : null}
    </span>
  ),
  // A record's text does not get page-sized headings.
  h1: HEADING,
  h2: HEADING,
  h3: HEADING,
  h4: HEADING,
  h5: HEADING,
  h6: HEADING,
};

export function MarkdownText({ text }: { text: string }) {
  return (
    <div className="value-markdown">
      <Markdown components={COMPONENTS} urlTransform={safeUrl}>
        {shown(text)}
      </Markdown>
    </div>
  );
}
