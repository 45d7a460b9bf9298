import { plainMessage, type MessageContext } from '../../src-shared/domain/plain-messages';
import { shown } from '../lib/bidi';
import './ServerWords.css';

/** The server's own words behind a plain message, folded away (what a support person searches for). */
export function ServerWords({ text }: { text: string }) {
  return (
    <details className="server-words">
      <summary>Server’s words</summary>
      <q className="remote">{shown(text)}</q>
    </details>
  );
}

/** A message in plain words (src-shared/domain/plain-messages.ts), with the server's words as a detail. */
export function PlainText({ message, context }: { message: string; context?: MessageContext }) {
  const plain = plainMessage(message, context);
  return (
    <>
      {shown(plain.text)}
      {plain.server ? <ServerWords text={plain.server} /> : null}
    </>
  );
}
