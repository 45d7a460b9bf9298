import fc from 'fast-check';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { LABEL_STOCK_IDS, LABEL_STOCKS, labelSlot, labelsPerPage, pageSize } from '../../src-shared/domain/label-stocks';
import { isResolvableCode, scanCodeOf } from '../../src-shared/domain/scan-code';
import { codeFromScan } from '../../src-renderer/lib/scan';
import { labelFonts } from '../../src-main/core/labels/label-fonts';
import { renderLabelsPdf } from '../../src-main/core/labels/label-pdf';
import { cleanLine, fitLine, type TextRun } from '../../src-main/core/labels/label-text';

describe('the scan code of a record', () => {
  it('is what the scan box hands to the lookup unchanged, whatever the record holds', () => {
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('', ' 42', 'https://x.example/a', 'ÄBC-1', '42', '---'));
    fc.assert(
      fc.property(fc.option(text, { nil: null }), text, (remoteId, serial) => {
        const code = scanCodeOf({ remoteId, serial });
        if (code === null) return;
        expect([remoteId, serial]).toContain(code);
        expect(isResolvableCode(code)).toBe(true);
        expect(codeFromScan(code)).toBe(code);
      }),
    );
  });

  it('the id first; the serial where the id is only a row number, or there is no id yet', () => {
    expect(scanCodeOf({ remoteId: 'HPLC-01', serial: 'DEAEX01234' })).toBe('HPLC-01');
    expect(scanCodeOf({ remoteId: '53ca8eb0-a334-4ac5-bae8-c0a538c928c4', serial: '' })).toBe('53ca8eb0-a334-4ac5-bae8-c0a538c928c4');
    expect(scanCodeOf({ remoteId: '42', serial: 'GEN10-00421' })).toBe('GEN10-00421');
    expect(scanCodeOf({ remoteId: '42', serial: '' })).toBe('42');
    expect(scanCodeOf({ remoteId: null, serial: 'LBL-7' })).toBe('LBL-7');
    expect(scanCodeOf({ remoteId: null, serial: '' })).toBeNull();
  });

  it('passes over codes a scan would not bring back', () => {
    for (const bad of ['', ' HPLC-01', 'HPLC-01 ', '---', 'https://lab.example/x', 'a\nb', 'x'.repeat(201)]) expect(isResolvableCode(bad), bad).toBe(false);
    for (const good of ['HPLC-01', 'RRID:AB_90755', 'äbc-1', 'ÄBC-1', '42', 'x'.repeat(200)]) expect(isResolvableCode(good), good).toBe(true);
    expect(scanCodeOf({ remoteId: ' padded', serial: 'S-1' })).toBe('S-1');
  });
});

describe('label stocks', () => {
  it('every label of a sheet lies on the sheet, none overlapping, the grid as Avery specifies L7651', () => {
    const avery = LABEL_STOCKS['avery-l7651'];
    const sheet = avery.sheet!;
    expect(labelsPerPage(avery)).toBe(65);
    const slots = Array.from({ length: 65 }, (_, i) => labelSlot(avery, i));
    expect(new Set(slots.map((s) => s.page))).toEqual(new Set([0]));
    for (const [i, s] of slots.entries()) {
      expect(s.x).toBeGreaterThanOrEqual(0);
      expect(s.y).toBeGreaterThanOrEqual(0);
      expect(s.x + avery.width).toBeLessThanOrEqual(sheet.width + 1e-9);
      expect(s.y + avery.height).toBeLessThanOrEqual(sheet.height + 1e-9);
      for (const t of slots.slice(i + 1)) {
        const apart = s.x + avery.width <= t.x + 1e-9 || t.x + avery.width <= s.x + 1e-9 || s.y + avery.height <= t.y + 1e-9 || t.y + avery.height <= s.y + 1e-9;
        expect(apart).toBe(true);
      }
    }
    // Symmetric margins: 4.75 mm at both sides, 10.7 mm at top and bottom.
    expect(sheet.width - (slots[4]!.x + avery.width)).toBeCloseTo(4.75, 6);
    expect(sheet.height - (slots[64]!.y + avery.height)).toBeCloseTo(10.7, 6);
    expect(labelSlot(avery, 65)).toEqual({ page: 1, x: 4.75, y: 10.7 });
  });

  it('a roll has one label per page, the page the label', () => {
    for (const id of LABEL_STOCK_IDS.filter((s) => s !== 'avery-l7651')) {
      const stock = LABEL_STOCKS[id];
      expect(pageSize(stock)).toEqual({ width: stock.width, height: stock.height });
      expect(labelSlot(stock, 3)).toEqual({ page: 3, x: 0, y: 0 });
      expect(stock.width).toBeGreaterThan(stock.height);
    }
  });
});

describe('label text', () => {
  const fonts = labelFonts();
  const doc = new PDFDocument({ autoFirstPage: false });
  const measure = (run: TextRun, size: number) => doc.font(run.role === 'cjk' && fonts.cjk ? fonts.cjk : fonts.bold).fontSize(size).widthOfString(run.text);

  it('never wider than its room: shrunk first, then cut with an ellipsis', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ maxLength: 120 })), fc.double({ min: 10, max: 200, noNaN: true }), (raw, width) => {
        const text = cleanLine(raw);
        const fitted = fitLine(text, width, 10, 4.5, measure, fonts.cjk !== null);
        const drawn = fitted.runs.reduce((sum, r) => sum + measure(r, fitted.size), 0);
        expect(drawn).toBeLessThanOrEqual(width + 1e-6);
        if (!fitted.cut) expect(fitted.runs.map((r) => r.text).join('')).toBe(text);
        else expect(fitted.size).toBe(4.5);
      }),
      { numRuns: 150 },
    );
  });

  it('a long name keeps its start and ends in an ellipsis; a short one is whole at the largest size', () => {
    const long = fitLine('Pesticides LC-MS/MS 1 with a very long description', 60, 10, 4.5, measure, true);
    expect(long.cut).toBe(true);
    expect(long.runs.map((r) => r.text).join('')).toMatch(/^Pesticides.*…$/);
    expect(fitLine('HPLC', 60, 10, 4.5, measure, true)).toMatchObject({ size: 10, cut: false });
  });

  it('controls, bidi overrides and broken surrogates are cleaned out of a line', () => {
    expect(cleanLine('  a\tb\u202Ec\u202C\n\uD800d  ')).toBe('a b c \uFFFDd');
  });

  it('hostile names render on every stock without an error', async () => {
    const names = ['', '\u202E'.repeat(50), 'מכשיר מדידה', 'مطياف الكتلة', '高效液相色谱仪', '👩‍🔬'.repeat(40), 'x'.repeat(5_000), '\uD800\uDFFF\uDFFF'];
    for (const id of LABEL_STOCK_IDS) {
      const pdf = await renderLabelsPdf(
        names.map((name, i) => ({ code: `CODE-${i}`, name, connection: name, nextDue: i % 2 ? '2030-01-31' : null })),
        LABEL_STOCKS[id],
      );
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    }
  });
});
