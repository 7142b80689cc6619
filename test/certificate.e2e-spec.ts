import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chineseDate, ledgerToday } from '@tongxin/domain';
import { CommandExecutor } from '../apps/api/src/ledger/command-executor';
import { ReadSide } from '../apps/api/src/ledger/read-side';
import { GetCertificateHandler, GetCertificateQuery } from '../apps/api/src/volunteers/get-certificate.handler';
import { LedgerTestApp, TEST_TOKEN } from './support/ledger-app';

const NAME = '阿依古丽·买买提';
const ACTIVITY = '民族团结进步宣讲';
const NUMBER = /^TXZM-\d{8}-[0-9A-F]{10}$/;

interface PdfReply {
  status: number;
  headers: Record<string, unknown>;
  bytes: Buffer;
  /** The problem body, for answers that are not a PDF. */
  body: any;
}

/**
 * pdf.js inside pdf-parse starts its worker with a dynamic import(), which Jest's CommonJS sandbox refuses
 * ("invoked without --experimental-vm-modules"); a plain Node process runs it as published.
 */
const EXTRACT_TEXT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk)).on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  const result = await parser.getText();
  await parser.destroy();
  process.stdout.write(JSON.stringify({ text: result.text, pages: result.pages.map((page) => page.text) }));
});`;

/** Text of a PDF as pdf-parse 2 extracts it, with the spaces and line breaks of its layout taken out. */
function pdfText(bytes: Buffer): { text: string; pages: string[] } {
  const output = execFileSync(process.execPath, ['-e', EXTRACT_TEXT], { input: bytes, cwd: join(__dirname, '..'), maxBuffer: 16 * 1024 * 1024 });
  const { text, pages } = JSON.parse(output.toString('utf8')) as { text: string; pages: string[] };
  const squeeze = (value: string) => value.replace(/\s+/g, '');
  return { text: squeeze(text), pages: pages.map(squeeze) };
}

/**
 * The volunteer service record certificate (issue 7 point 4): GET /volunteers/{id}/certificate.pdf is a Chinese A4
 * PDF with embedded font subsets; its extracted text names the volunteer, the verified services only and their
 * total, the issuer and the date, under a number that is the same for the same records and changes with them.
 */
describe('the volunteer service record certificate', () => {
  jest.setTimeout(120_000);
  let app: LedgerTestApp;
  const tokens: Record<string, string> = {};

  /** GET with raw bytes kept (LedgerTestApp decodes bodies as text). */
  async function fetchPdf(url: string, token = TEST_TOKEN): Promise<PdfReply> {
    const response = await app.app.getHttpAdapter().getInstance().inject({
      method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` },
    });
    const bytes = response.rawPayload;
    const isPdf = String(response.headers['content-type']).startsWith('application/pdf');
    return { status: response.statusCode, headers: response.headers, bytes, body: isPdf ? undefined : JSON.parse(bytes.toString('utf8')) };
  }

  async function logHours(volunteerId: string, entryId: string, body: Record<string, unknown>, review?: 'verify' | 'reject'): Promise<void> {
    await app.ok(`/volunteers/${volunteerId}/hours`, { entryId, ...body });
    if (review === 'verify') await app.ok(`/volunteers/${volunteerId}/hours/${entryId}/verify`);
    if (review === 'reject') await app.ok(`/volunteers/${volunteerId}/hours/${entryId}/reject`, { reason: '核实未到场' });
  }

  beforeAll(async () => {
    app = await LedgerTestApp.start();
    await app.ok('/org-units', { id: 'huaihua', name: '怀化市', level: 'city' });
    await app.ok('/org-units', { id: 'mayang', name: '麻阳苗族自治县', level: 'county', parentId: 'huaihua' });
    await app.ok('/org-units', { id: 'gaocun', name: '高村镇', level: 'township', parentId: 'mayang' });
    await app.ok('/org-units', { id: 'xinying', name: '新营村', level: 'village', parentId: 'gaocun' });
    await app.ok('/org-units', { id: 'zhijiang', name: '芷江侗族自治县', level: 'county', parentId: 'huaihua' });
    await app.ok('/activities', { id: 'a1', orgUnitId: 'gaocun', title: ACTIVITY, category: 'lecture', occurredOn: '2025-03-01', participants: 80 });
    await app.ok('/volunteers', { id: 'v1', orgUnitId: 'xinying', name: NAME, phone: '13912345678' });
    await logHours('v1', 'e1', { activityId: 'a1', servedOn: '2025-03-01', minutes: 120, description: '布置宣讲会场' }, 'verify');
    await logHours('v1', 'e2', { servedOn: '2025-03-08', minutes: 45, description: '入户走访慰问' }, 'verify');
    await logHours('v1', 'e3', { servedOn: '2025-03-09', minutes: 60, description: '整理活动照片' });
    await logHours('v1', 'e4', { servedOn: '2025-03-10', minutes: 30, description: '重复登记服务' }, 'reject');
    for (const [name, role, orgUnitId] of [['recorder', 'recorder', 'xinying'], ['analyst', 'analyst', 'mayang'], ['elsewhere', 'organiser', 'zhijiang']]) {
      tokens[name] = (await app.ok('/tokens', { name, role, orgUnitId }) as unknown as { token: string }).token;
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('is an A4 PDF in Chinese with embedded font subsets, naming the verified services only', async () => {
    const before = ledgerToday(new Date());
    const reply = await fetchPdf('/volunteers/v1/certificate.pdf');
    const after = ledgerToday(new Date());
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/pdf');
    expect(reply.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(reply.bytes.length).toBeLessThan(200 * 1024); // subsets, not the 10 MB font

    const raw = reply.bytes.toString('latin1');
    expect(raw).toContain('/FontFile2');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Bold/);

    const number = String(reply.headers['x-certificate-number']);
    expect(number).toMatch(NUMBER);
    expect([before, after].map((day) => `TXZM-${day.replaceAll('-', '')}-`)).toContain(number.slice(0, 14));
    const disposition = String(reply.headers['content-disposition']);
    expect(disposition).toBe(`inline; filename="volunteer-certificate-${number}.pdf"; filename*=UTF-8''${encodeURIComponent(`志愿服务记录证明-${NAME}-${number}.pdf`)}`);

    const { text } = pdfText(reply.bytes);
    expect(text).toContain('志愿服务记录证明');
    expect(text).toContain(`证明编号：${number}`);
    expect(text).toContain(`兹证明${NAME}同志于2025年3月1日至2025年3月8日期间`);
    // 120 + 45 verified minutes; the pending 60 and the rejected 30 are left out.
    expect(text).toContain('经审核累计服务时长2小时45分钟（共2次）');
    expect(text).toContain(`${ACTIVITY}：布置宣讲会场`);
    expect(text).toContain('入户走访慰问');
    expect(text).toContain('高村镇');
    expect(text).toContain('出具单位：新营村');
    expect([before, after].some((day) => text.includes(`出具日期：${chineseDate(day)}`))).toBe(true);
    expect(text).toMatch(/数据截至账本全局位置\d+/);
    for (const left of ['整理活动照片', '重复登记服务', '13912345678']) expect(text).not.toContain(left);
  });

  it('gives the same number for the same request, and a new one once another entry is verified', async () => {
    const first = await fetchPdf('/volunteers/v1/certificate.pdf');
    const again = await fetchPdf('/volunteers/v1/certificate.pdf');
    expect(again.headers['x-certificate-number']).toBe(first.headers['x-certificate-number']);
    expect(pdfText(again.bytes).text).toContain(String(first.headers['x-certificate-number']));

    const verified = await app.ok('/volunteers/v1/hours/e3/verify');
    const changed = await fetchPdf(`/volunteers/v1/certificate.pdf?minPosition=${verified.position}`);
    expect(changed.status).toBe(200);
    expect(changed.headers['x-certificate-number']).not.toBe(first.headers['x-certificate-number']);
    const { text } = pdfText(changed.bytes);
    expect(text).toContain('经审核累计服务时长3小时45分钟（共3次）');
    expect(text).toContain('整理活动照片');
    expect(text).not.toContain('重复登记服务');
  });

  it('limits the period with from and to, and issues as a unit above the volunteer\'s', async () => {
    const march8 = await fetchPdf('/volunteers/v1/certificate.pdf?from=2025-03-02&to=2025-03-08&orgUnitId=mayang');
    expect(march8.status).toBe(200);
    const { text } = pdfText(march8.bytes);
    expect(text).toContain(`兹证明${NAME}同志于2025年3月2日至2025年3月8日期间，在新营村参加志愿服务，经审核累计服务时长45分钟（共1次）`);
    expect(text).toContain('出具单位：麻阳苗族自治县');
    expect(text).not.toContain(ACTIVITY);

    const beside = await fetchPdf('/volunteers/v1/certificate.pdf?orgUnitId=zhijiang');
    expect(beside.status).toBe(422);
    expect(beside.body.errors).toEqual([expect.objectContaining({ path: 'orgUnitId' })]);
  });

  it('refuses bad queries with 400 naming each field, and an unknown volunteer with 404', async () => {
    const bad = await fetchPdf('/volunteers/v1/certificate.pdf?from=2025-02-30&orgUnitId=bad%20id&minPosition=-1');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['from', 'minPosition', 'orgUnitId']);
    const reversed = await fetchPdf('/volunteers/v1/certificate.pdf?from=2025-03-09&to=2025-03-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([expect.objectContaining({ path: 'to' })]);
    expect((await fetchPdf('/volunteers/v1/certificate.pdf?colour=red')).status).toBe(400);
    expect((await fetchPdf('/volunteers/nobody/certificate.pdf')).status).toBe(404);
  });

  it('is for roles that see names, within their scope', async () => {
    expect((await fetchPdf('/volunteers/v1/certificate.pdf', tokens.recorder)).status).toBe(200);
    // A recorder of the village may not issue in the county's name.
    expect((await fetchPdf('/volunteers/v1/certificate.pdf?orgUnitId=mayang', tokens.recorder)).status).toBe(403);
    expect((await fetchPdf('/volunteers/v1/certificate.pdf', tokens.analyst)).status).toBe(403);
    expect((await fetchPdf('/volunteers/v1/certificate.pdf', tokens.elsewhere)).status).toBe(403);
    expect((await fetchPdf('/volunteers/nobody/certificate.pdf', tokens.elsewhere)).status).toBe(403);
  });

  it('refuses with 409 a volunteer without verified hours in the period, and an erased one', async () => {
    await app.ok('/volunteers', { id: 'v2', orgUnitId: 'xinying', name: '热依汗古丽' });
    await logHours('v2', 'p1', { servedOn: '2025-03-01', minutes: 30 });
    expect((await fetchPdf('/volunteers/v2/certificate.pdf')).body).toMatchObject({ status: 409, code: 'NO_VERIFIED_HOURS' });
    expect((await fetchPdf('/volunteers/v1/certificate.pdf?from=2025-04-01')).body).toMatchObject({ status: 409, code: 'NO_VERIFIED_HOURS' });

    await app.ok('/volunteers', { id: 'v3', orgUnitId: 'xinying', name: '马小兰' });
    await logHours('v3', 'x1', { servedOn: '2025-03-01', minutes: 30 }, 'verify');
    expect((await fetchPdf('/volunteers/v3/certificate.pdf')).status).toBe(200);
    await app.ok('/volunteers/v3/erase', { reason: '本人申请注销' });
    const erased = await fetchPdf('/volunteers/v3/certificate.pdf');
    expect(erased.status).toBe(409);
    expect(erased.body).toMatchObject({ code: 'VOLUNTEER_ERASED' });
  });

  it('runs over several pages when there are many services, repeating the table header on each', async () => {
    await app.ok('/volunteers', { id: 'v4', orgUnitId: 'xinying', name: '李卫东' });
    for (let day = 1; day <= 31; day++) {
      const servedOn = `2025-01-${String(day).padStart(2, '0')}`;
      await logHours('v4', `m${day}`, { activityId: 'a1', servedOn, minutes: 60, description: `第${day}次值守服务` }, 'verify');
      await logHours('v4', `n${day}`, { servedOn, minutes: 30, description: `第${day}次入户走访` }, 'verify');
    }
    const reply = await fetchPdf('/volunteers/v4/certificate.pdf');
    expect(reply.status).toBe(200);
    const { text, pages } = pdfText(reply.bytes);
    expect(pages.length).toBeGreaterThan(1);
    for (const [index, page] of pages.entries()) {
      expect(page).toContain('服务日期');
      expect(page).toContain(`第${index + 1}页，共${pages.length}页`);
    }
    expect(text).toContain('经审核累计服务时长46小时30分钟（共62次）');
    expect(text).toContain('第31次入户走访');
  });

  it('dates the issue in Asia/Shanghai by the clock it is given', async () => {
    // 18:00 UTC on 5 March is already 6 March in Beijing.
    const handler = new GetCertificateHandler(app.app.get(CommandExecutor), app.app.get(ReadSide), () => new Date('2026-03-05T18:00:00Z'));
    const { certificate, pdf } = await handler.execute(new GetCertificateQuery('v1', {}, { tokenId: 'admin', role: 'admin', scopeOrgUnitId: null }));
    expect(certificate.number).toMatch(/^TXZM-20260306-[0-9A-F]{10}$/);
    expect(pdfText(pdf).text).toContain('出具日期：2026年3月6日');
  });
});
