import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { CertifiedService, VolunteerCertificate } from '@tongxin/domain';

/** A4 portrait in points; margins wide enough for a binding and the seal. */
const PAGE = { width: 595.28, height: 841.89, margin: 64 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
/** Room kept at the foot of every page for the verification note and page number. */
const FOOTER_HEIGHT = 42;
const BOTTOM = PAGE.height - PAGE.margin - FOOTER_HEIGHT;
const COLUMNS = [
  { title: '序号', width: 34, align: 'center' as const },
  { title: '服务日期', width: 96, align: 'center' as const },
  { title: '服务内容 / 活动', width: 151, align: 'left' as const },
  { title: '活动单位', width: 100, align: 'left' as const },
  { title: '时长', width: 86, align: 'center' as const },
];
const CELL_PADDING = 5;
/** A cell never grows past this (a 200-character title with a 500-character description would outgrow a page); the rest is elided. */
const MAX_CELL_TEXT_HEIGHT = 280;
const TABLE_FONT_SIZE = 10.5;
const INK = '#1a1a1a';
const MUTED = '#666666';

let fontFiles: { regular: string; bold: string } | undefined;

/**
 * Noto Sans SC from @expo-google-fonts/noto-sans-sc, found through the package itself so the path holds from the
 * sources and from dist alike. pdfkit embeds only the glyphs a certificate uses (a subset of some tens of KiB).
 */
export function certificateFonts(): { regular: string; bold: string } {
  if (!fontFiles) {
    const root = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
    fontFiles = {
      regular: join(root, '400Regular', 'NotoSansSC_400Regular.ttf'),
      bold: join(root, '700Bold', 'NotoSansSC_700Bold.ttf'),
    };
  }
  return fontFiles;
}

/** The certificate as an A4 PDF in Chinese: statement, table of services (its header repeated on each page), issuer, seal, date. */
export function renderCertificatePdf(certificate: VolunteerCertificate): Promise<Buffer> {
  const fonts = certificateFonts();
  const doc = new PDFDocument({
    size: 'A4', margin: PAGE.margin, bufferPages: true, lang: 'zh-CN', displayTitle: true,
    info: {
      Title: `志愿服务记录证明 ${certificate.number}`, Author: certificate.issuer.name,
      Subject: `${certificate.volunteerName} 志愿服务记录证明`, Creator: 'Tongxin Ledger', Producer: 'Tongxin Ledger',
      CreationDate: new Date(`${certificate.issuedOn}T00:00:00+08:00`),
    },
  });
  doc.registerFont('regular', fonts.regular).registerFont('bold', fonts.bold);
  const finished = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawHeading(doc, certificate);
  drawTable(doc, certificate);
  drawIssuer(doc, certificate);
  drawFooters(doc, certificate);
  doc.end();
  return finished;
}

function drawHeading(doc: PDFKit.PDFDocument, certificate: VolunteerCertificate): void {
  doc.font('regular').fontSize(10).fillColor(MUTED).text(`证明编号：${certificate.number}`, { align: 'right' });
  doc.moveDown(1.6);
  doc.font('bold').fontSize(26).fillColor(INK).text('志愿服务记录证明', { align: 'center', characterSpacing: 6 });
  doc.moveDown(1.4);
  doc.font('regular').fontSize(13).text(certificate.statement, { align: 'justify', indent: 26, lineGap: 9 });
  doc.moveDown(0.8);
  doc.fontSize(11).fillColor(INK)
    .text(`志愿者姓名：${certificate.volunteerName}　　志愿者编号：${certificate.volunteerId}`, { lineGap: 4 })
    .text(`所属单位：${certificate.volunteerUnitName}`, { lineGap: 4 });
  doc.moveDown(1);
  doc.font('bold').fontSize(12).text('志愿服务记录明细（经审核）');
  doc.moveDown(0.4);
}

/** Rows break across pages whole; each new page starts with the header row again. */
function drawTable(doc: PDFKit.PDFDocument, certificate: VolunteerCertificate): void {
  const rows = certificate.services.map((service, index) => serviceCells(service, index));
  const total = ['合计', `共${certificate.serviceCount}次`, '', '', certificate.totalText];
  drawRow(doc, COLUMNS.map((column) => column.title), { bold: true, shaded: true });
  for (const cells of rows) {
    if (doc.y + rowHeight(doc, cells) > BOTTOM) {
      doc.addPage();
      doc.font('regular').fontSize(9).fillColor(MUTED).text(`志愿服务记录证明（续）　证明编号：${certificate.number}`, PAGE.margin, PAGE.margin);
      doc.moveDown(0.6);
      drawRow(doc, COLUMNS.map((column) => column.title), { bold: true, shaded: true });
    }
    drawRow(doc, cells, {});
  }
  if (doc.y + rowHeight(doc, total) > BOTTOM) doc.addPage();
  drawRow(doc, total, { bold: true });
}

function serviceCells(service: CertifiedService, index: number): string[] {
  const what = service.activityTitle
    ? (service.description ? `${service.activityTitle}：${service.description}` : service.activityTitle)
    : (service.description ?? '志愿服务');
  return [String(index + 1), service.servedOnText, what, service.unitName, service.durationText];
}

function rowHeight(doc: PDFKit.PDFDocument, cells: string[]): number {
  doc.font('regular').fontSize(TABLE_FONT_SIZE);
  const heights = cells.map((cell, i) => Math.min(MAX_CELL_TEXT_HEIGHT, doc.heightOfString(cell || ' ', cellOptions(i))));
  return Math.max(...heights) + 2 * CELL_PADDING;
}

function cellOptions(column: number): PDFKit.Mixins.TextOptions {
  return { width: COLUMNS[column].width - 2 * CELL_PADDING, lineGap: 2 };
}

function drawRow(doc: PDFKit.PDFDocument, cells: string[], style: { bold?: boolean; shaded?: boolean }): void {
  const top = doc.y;
  const height = rowHeight(doc, cells);
  let x = PAGE.margin;
  if (style.shaded) doc.rect(x, top, CONTENT_WIDTH, height).fill('#f0f0f0');
  doc.font(style.bold ? 'bold' : 'regular').fontSize(TABLE_FONT_SIZE).fillColor(INK);
  cells.forEach((cell, i) => {
    const column = COLUMNS[i];
    doc.text(cell, x + CELL_PADDING, top + CELL_PADDING, { ...cellOptions(i), align: column.align, height: MAX_CELL_TEXT_HEIGHT, ellipsis: '…' });
    doc.lineWidth(0.6).strokeColor('#333333').rect(x, top, column.width, height).stroke();
    x += column.width;
  });
  doc.x = PAGE.margin;
  doc.y = top + height;
}

/** The issuing unit, a place for its seal, and the date of issue, kept together on one page. */
function drawIssuer(doc: PDFKit.PDFDocument, certificate: VolunteerCertificate): void {
  const left = PAGE.margin + CONTENT_WIDTH / 2;
  const width = CONTENT_WIDTH / 2;
  const unitLine = `出具单位：${certificate.issuer.name}`;
  doc.font('regular').fontSize(13).fillColor(INK);
  const lines = { width, lineGap: 4 };
  const height = doc.heightOfString(unitLine, lines) + 2 * doc.heightOfString('（盖章）', lines) + 36;
  if (doc.y + 36 + height > BOTTOM) doc.addPage();
  const top = doc.y + 36;
  doc.text(unitLine, left, top, lines);
  doc.moveDown(0.7).text('（盖章）', left, doc.y, lines);
  doc.moveDown(0.7).text(`出具日期：${certificate.issuedOnText}`, left, doc.y, lines);
  // Where the issuer's seal goes: a faint dashed ring over the unit's name and the date, as official stamps sit.
  const middle = (top + doc.y) / 2;
  doc.save().lineWidth(0.8).dash(3, { space: 3 }).strokeColor('#b0b0b0')
    .circle(left + width - 60, middle, 44).stroke().undash().restore();
  doc.x = PAGE.margin;
}

/** On every page: how to check the certificate, and the page count (known only once the table is laid out). */
function drawFooters(doc: PDFKit.PDFDocument, certificate: VolunteerCertificate): void {
  const { start, count } = doc.bufferedPageRange();
  const note = `本证明依据《志愿服务记录与证明出具办法》（民政部令第67号），由同心账本（Tongxin Ledger）只追加记录生成，`
    + `数据截至账本全局位置 ${certificate.position}，仅含经审核的服务时长；可凭证明编号 ${certificate.number} 核验。`;
  for (let page = start; page < start + count; page++) {
    doc.switchToPage(page);
    // Writing inside the bottom margin would start a new page: lift the margin while the footer is drawn.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const top = PAGE.height - PAGE.margin - FOOTER_HEIGHT + 8;
    doc.lineWidth(0.5).strokeColor('#999999').moveTo(PAGE.margin, top).lineTo(PAGE.width - PAGE.margin, top).stroke();
    doc.font('regular').fontSize(8.5).fillColor(MUTED).text(note, PAGE.margin, top + 5, { width: CONTENT_WIDTH, lineGap: 1.5 });
    doc.text(`第 ${page - start + 1} 页，共 ${count} 页`, PAGE.margin, PAGE.height - PAGE.margin + 4, { width: CONTENT_WIDTH, align: 'center' });
    doc.page.margins.bottom = bottomMargin;
  }
}

/**
 * `inline` with an ASCII `filename` for old clients and an RFC 5987 `filename*` carrying the Chinese name (RFC 6266
 * §4.3: clients that understand `filename*` prefer it).
 */
export function certificateDisposition(certificate: VolunteerCertificate): string {
  const ascii = `volunteer-certificate-${certificate.number}.pdf`;
  const chinese = `志愿服务记录证明-${certificate.volunteerName}-${certificate.number}.pdf`;
  // encodeURIComponent leaves ' ( ) * ! as they are; RFC 5987's attr-char admits only "!" of those.
  const encoded = encodeURIComponent(chinese).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
