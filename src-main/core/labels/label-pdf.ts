import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { type LabelStock, labelSlot, pageSize } from '../../../src-shared/domain/label-stocks';
import { type LabelFonts, labelFonts, westernOnly } from './label-fonts';
import { cleanLine, type FittedLine, fitLine, type TextRun } from './label-text';

/** What one label says. */
export interface LabelContent {
  /** What the QR code carries, and the second line: the record's scan code (src-shared/domain/scan-code.ts). */
  code: string;
  name: string;
  connection: string;
  /** The next calibration due (a date), or null for no due line. */
  nextDue: string | null;
}

const PT_PER_MM = 72 / 25.4;
const pt = (mm: number) => mm * PT_PER_MM;

/** Between the code and the text. */
const GAP_MM = 1.2;
/** White modules around the code, as the QR standard asks: scanners find a code by its quiet zone. */
const QUIET_MODULES = 4;
/** The name's size relative to the other lines. */
const NAME_SCALE = 1.25;
const LINE_HEIGHT = 1.2;
/** Text sizes in points: the largest a line starts at, and the smallest it shrinks to before it is cut. */
const MAX_SIZE = 10;
const MIN_SIZE = 4.5;

interface Line {
  text: string;
  font: 'bold' | 'mono' | 'sans';
}

/** The label's lines, top to bottom; the due line only when there is a date. */
function linesOf(label: LabelContent): Line[] {
  const lines: Line[] = [
    { text: cleanLine(label.name) || '(untitled)', font: 'bold' },
    { text: cleanLine(label.code), font: 'mono' },
    { text: cleanLine(label.connection), font: 'sans' },
  ];
  if (label.nextDue) lines.push({ text: `Due ${cleanLine(label.nextDue)}`, font: 'sans' });
  return lines;
}

/** The QR code as filled rectangles, one per run of dark modules in a row (a small page, drawn sharp). */
function drawQr(doc: PDFKit.PDFDocument, code: string, x: number, y: number, side: number): void {
  const { modules } = QRCode.create(code, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const unit = side / (n + 2 * QUIET_MODULES);
  const x0 = x + QUIET_MODULES * unit;
  const y0 = y + QUIET_MODULES * unit;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      doc.rect(x0 + start * unit, y0 + row * unit, (col - start) * unit, unit);
    }
  }
  doc.fillColor('black').fill();
}

/** Renders labels on the stock, in order, as one PDF. */
export async function renderLabelsPdf(labels: readonly LabelContent[], stock: LabelStock, fonts: LabelFonts = labelFonts()): Promise<Buffer> {
  const page = pageSize(stock);
  const doc = new PDFDocument({
    size: [pt(page.width), pt(page.height)],
    margin: 0,
    autoFirstPage: false,
    info: { Title: `BenchSync labels (${stock.name})`, Creator: 'BenchSync' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const fontFile = (role: Line['font'], run: TextRun) => (run.role === 'cjk' && fonts.cjk ? fonts.cjk : fonts[role]);
  const drawable = (text: string) => (fonts.unicode ? text : westernOnly(text));
  const hasCjk = fonts.cjk !== null;

  const side = pt(stock.height - 2 * stock.margin);
  const textWidth = pt(stock.width - 2 * stock.margin - GAP_MM) - side;
  let pageNo = -1;
  labels.forEach((label, i) => {
    const slot = labelSlot(stock, i);
    if (slot.page !== pageNo) {
      doc.addPage({ size: [pt(page.width), pt(page.height)], margin: 0 });
      pageNo = slot.page;
    }
    const left = pt(slot.x + stock.margin);
    const top = pt(slot.y + stock.margin);
    drawQr(doc, label.code, left, top, side);

    const lines = linesOf(label);
    const height = side;
    const base = Math.min(MAX_SIZE, height / (LINE_HEIGHT * (NAME_SCALE + lines.length - 1)));
    const fit = (l: Line, maxSize: number) => {
      const measure = (run: TextRun, size: number) => doc.font(fontFile(l.font, run)).fontSize(size).widthOfString(drawable(run.text));
      return fitLine(l.text, textWidth, maxSize, Math.min(MIN_SIZE, maxSize), measure, hasCjk);
    };
    // The name at its own size; the other lines all at one size, the largest at which each fits
    // (or is cut), so they read as one block under it.
    const [name, ...rest] = lines;
    const restSize = Math.min(...rest.map((l) => fit(l, base).size));
    const fitted: FittedLine[] = [fit(name!, base * NAME_SCALE), ...rest.map((l) => fit(l, restSize))];
    const blockHeight = fitted.reduce((s, f) => s + f.size * LINE_HEIGHT, 0);
    let y = top + (height - blockHeight) / 2;
    const x = left + side + pt(GAP_MM);
    fitted.forEach((f, li) => {
      let runX = x;
      for (const run of f.runs) {
        doc.font(fontFile(lines[li]!.font, run)).fontSize(f.size).fillColor('black');
        const text = drawable(run.text);
        doc.text(text, runX, y + (f.size * (LINE_HEIGHT - 1)) / 2, { lineBreak: false });
        runX += doc.widthOfString(text);
      }
      y += f.size * LINE_HEIGHT;
    });
  });
  doc.end();
  return done;
}
