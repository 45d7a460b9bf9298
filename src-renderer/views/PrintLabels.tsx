import { useId, useState } from 'react';
import { LABELS_MAX } from '../../src-shared/contract';
import { LABEL_STOCK_IDS, LABEL_STOCKS, type LabelStockId } from '../../src-shared/domain/label-stocks';
import { client, errorMessage } from '../core/client';
import { downloadBase64 } from '../lib/download';
import { plural } from '../lib/format';
import './PrintLabels.css';

const STOCK_KEY = 'benchsync.labels.stock';

const isStock = (v: unknown): v is LabelStockId => typeof v === 'string' && (LABEL_STOCK_IDS as readonly string[]).includes(v);

/** The stock chosen last on this computer (localStorage), else the first. */
export function rememberedStock(): LabelStockId {
  try {
    const raw = globalThis.localStorage?.getItem(STOCK_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return isStock(parsed) ? parsed : LABEL_STOCK_IDS[0];
  } catch {
    return LABEL_STOCK_IDS[0];
  }
}

function rememberStock(stock: LabelStockId): void {
  try {
    globalThis.localStorage?.setItem(STOCK_KEY, JSON.stringify(stock));
  } catch {
    // Storage refused: the choice holds until the page is reloaded.
  }
}

/**
 * "Print labels": choose the stock (the last one is remembered), and the PDF main builds is
 * saved for the label printer (docs/labels.md). For one record (its detail) or the ticked ones.
 */
export function PrintLabels({ recordIds }: { recordIds: readonly string[] }) {
  const [open, setOpen] = useState(false);
  const [stock, setStock] = useState<LabelStockId>(rememberedStock);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const selectId = useId();
  const count = recordIds.length;
  const tooMany = count > LABELS_MAX;
  const noun = count === 1 ? 'label' : 'labels';

  const print = async () => {
    setBusy(true);
    setSaid(null);
    try {
      const file = await client.call('labels.pdf', { recordIds: [...recordIds], stock });
      downloadBase64(file.filename, file.pdfBase64, 'application/pdf');
      setSaid({ ok: true, text: `Saved ${plural(count, 'label')} as ${file.filename}.` });
    } catch (error) {
      setSaid({ ok: false, text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)} disabled={count === 0}>
        Print {noun}…
      </button>
    );
  }
  return (
    <div className="print-labels" role="group" aria-label={`Print ${noun}`}>
      <label htmlFor={selectId} className="field-label">
        Label stock
      </label>
      <select
        id={selectId}
        value={stock}
        onChange={(e) => {
          if (!isStock(e.target.value)) return;
          setStock(e.target.value);
          rememberStock(e.target.value);
          setSaid(null);
        }}
      >
        {LABEL_STOCK_IDS.map((id) => (
          <option key={id} value={id}>
            {LABEL_STOCKS[id].name}
          </option>
        ))}
      </select>
      <p className="small muted print-labels-note">{LABEL_STOCKS[stock].note}</p>
      {tooMany ? (
        <p className="small" role="alert">
          At most {LABELS_MAX} labels at once: untick {count - LABELS_MAX}.
        </p>
      ) : null}
      <div className="print-labels-actions">
        <button type="button" className="button primary" disabled={busy || tooMany} onClick={() => void print()}>
          {busy ? 'Making the PDF…' : `Download PDF (${plural(count, 'label')})`}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setOpen(false);
            setSaid(null);
          }}
        >
          Close
        </button>
      </div>
      {said ? (
        <p className="small print-labels-said" role={said.ok ? 'status' : 'alert'}>
          {said.text}
        </p>
      ) : null}
    </div>
  );
}
