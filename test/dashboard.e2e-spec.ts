/**
 * The web dashboard in a real browser: Vite builds it, the API serves it on a real port over a seeded ledger, and
 * Chromium (playwright-core driving /usr/bin/chromium) signs in, reads the cards against GET /stats/totals, drills
 * into a county and back, reads the charts' labels (SVG text), switches to English, signs in as a county's organiser,
 * and saves screenshots of each language, 1280 and 390 pixels wide, to test/artifacts/.
 * Without Chromium the suite is skipped, except under CI, where .ci/run installs it and its absence is a failure.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { seedDashboardLedger } from './support/dashboard-ledger';
import { LedgerTestApp, TEST_TOKEN } from './support/ledger-app';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..');
const ARTIFACTS = join(__dirname, 'artifacts');
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
/** The machine's network is closed: without these Chromium keeps dialling out to Google's services. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const CARDS = ['activitiesHeld', 'volunteerParticipations', 'volunteerMinutesVerified', 'fundsRaised', 'beneficiaries'] as const;

if (!existsSync(CHROMIUM) && !IN_CI) {
  console.warn(`dashboard.e2e-spec: ${CHROMIUM} is missing, so the browser test is skipped (apt-get install chromium to run it).`);
}
const describeInBrowser = existsSync(CHROMIUM) || IN_CI ? describe : describe.skip;

describeInBrowser('the web dashboard in Chromium', () => {
  const buildDir = mkdtempSync(join(tmpdir(), 'tongxin-dashboard-'));
  let ledger: LedgerTestApp | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: CI must install it (.ci/run does, with apt-get)`);
    // 1. A fresh build of the sources under test, apart from dist/ (which `nest build` empties).
    await promisify(execFile)(process.execPath, [
      join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'apps/dashboard/vite.config.mts'),
      '--outDir', buildDir, '--emptyOutDir', '--logLevel', 'warn',
    ], { cwd: ROOT, timeout: 120_000 });
    // 2. The API on a real port, serving that build, over a seeded ledger.
    ledger = await LedgerTestApp.start({ dashboardDir: buildDir });
    await seedDashboardLedger(ledger);
    await ledger.app.listen({ port: 0, host: '127.0.0.1' });
    const address = ledger.app.getHttpServer().address() as { port: number };
    // 3. A headless browser with a profile of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    // The browser's own language is English, as on many office machines: the page must not follow it.
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${address.port}/`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await ledger?.stop();
    rmSync(buildDir, { recursive: true, force: true });
  });

  /** Waits for the page to have loaded every figure for `orgUnitId`, then reads the cards. */
  async function cards(orgUnitId: string): Promise<Record<string, { value: number; text: string }>> {
    await page.waitForSelector(`[data-testid=dashboard][data-state=ready][data-org-unit="${orgUnitId}"]`, { timeout: 20_000 });
    const read: Record<string, { value: number; text: string }> = {};
    for (const field of CARDS) {
      const card = page.getByTestId(`card-${field}`);
      read[field] = { value: Number(await card.getAttribute('data-value')), text: (await card.textContent()) ?? '' };
    }
    return read;
  }

  /** Each card shows exactly the API's figure: counts and 分 digit for digit, minutes as hours to one decimal. */
  async function expectCardsToEqualTotals(orgUnitId: string): Promise<void> {
    const shown = await cards(orgUnitId);
    const totals = (await ledger!.get(`/stats/totals?orgUnitId=${orgUnitId}`)).body;
    for (const field of CARDS) {
      expect([field, shown[field].value]).toEqual([field, totals[field]]);
      const digits = shown[field].text.replace(/[^\d.]/g, '');
      if (field === 'volunteerMinutesVerified') expect(digits).toBe((totals[field] / 60).toFixed(1));
      else expect(Number(digits.replace('.', ''))).toBe(totals[field]);
    }
    expect(totals.activitiesHeld).toBeGreaterThan(0);
  }

  /** The text of a chart's labels (the charts are SVG), once it has drawn some. */
  async function chartTexts(panel: string): Promise<string[]> {
    const texts = page.locator(`[data-testid=${panel}] svg text`);
    await texts.first().waitFor({ timeout: 10_000 });
    return (await texts.allTextContents()).map((text) => text.trim()).filter(Boolean);
  }

  /** The campaign chart's money axis: its tick labels are the texts that start with ¥. */
  async function moneyAxisLabels(): Promise<string[]> {
    return (await chartTexts('panel-campaign')).filter((text) => text.startsWith('¥'));
  }

  /** A screenshot of the whole page at the desktop and the phone width, named `dashboard-<name>-<width>.png`. */
  async function screenshots(name: string): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-${viewport.width}.png`), fullPage: true });
      // Nothing is wider than the screen: a wide table scrolls inside its panel.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    }
    await page.setViewportSize(DESKTOP);
  }

  it('refuses an unknown token and says so on the sign-in form', async () => {
    await page.getByTestId('token-input').fill('not-a-token-of-this-ledger');
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('sign-in-message').textContent()).resolves.toContain('令牌无效');
  }, 30_000);

  it('signs in with a token and shows the API\'s totals, in Chinese', async () => {
    await page.getByTestId('token-input').fill(TEST_TOKEN);
    await page.getByTestId('sign-in-submit').click();
    await expectCardsToEqualTotals('huaihua');
    // Opened on the single root, and the root's figures are the ledger's.
    expect((await ledger!.get('/stats/totals')).body.fundsRaised).toBe((await cards('huaihua')).fundsRaised.value);
    expect(await page.getByTestId('label-activitiesHeld').textContent()).toBe('活动场次');
    expect(await page.getByTestId('crumb-huaihua').textContent()).toContain('怀化市');
    await expect(page.getByTestId('activity-table').textContent()).resolves.toContain('民族团结进步宣讲进村寨');
    // The summary paragraph is the API's, word for word.
    const summary = (await ledger!.get('/reports/summary?orgUnitId=huaihua&format=json')).body;
    expect(summary.text).toMatch(/^截至.+，怀化市开展.+活动10场/);
    expect(await page.getByTestId('summary-text').textContent()).toBe(summary.text);
    await page.waitForTimeout(800);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-zh-CN.png'), fullPage: true });
  }, 60_000);

  it('downloads the totals workbook of the unit shown', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^同心账本统计-怀化市-\d+\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await download.path());
    const rows = book.getWorksheet('总计')!.getSheetValues() as unknown[][];
    const activitiesHeld = rows.find((row) => row?.[1] === '活动场次')?.[2];
    expect(activitiesHeld).toBe((await ledger!.get('/stats/totals?orgUnitId=huaihua')).body.activitiesHeld);
  }, 60_000);

  it('drills into a county: every figure re-read under it, and back up', async () => {
    await page.getByTestId('org-row-mayang').click();
    await expectCardsToEqualTotals('mayang');
    expect(await page.getByTestId('breadcrumb').textContent()).toContain('麻阳苗族自治县');
    // The county's townships are its rows now.
    await expect(page.getByTestId('org-row-gaocun').textContent()).resolves.toContain('高村镇');
    const mayang = await cards('mayang');
    expect(mayang.activitiesHeld.value).toBeLessThan((await ledger!.get('/stats/totals')).body.activitiesHeld);
    await page.getByTestId('crumb-huaihua').click();
    await expectCardsToEqualTotals('huaihua');
  }, 60_000);

  it('reads every figure as of an instant picked in the date picker', async () => {
    // Before anything was recorded, the ledger knew of nothing.
    await page.getByTestId('filter-asOf').fill('2020-01-01T08:00:00');
    await page.waitForSelector('[data-testid=dashboard][data-state=ready] [data-testid=card-activitiesHeld][data-value="0"]');
    await expect(page.getByTestId('panel-activities').textContent()).resolves.toContain('暂无活动记录');
    await page.getByRole('button', { name: '重置' }).click();
    await expectCardsToEqualTotals('huaihua');
    expect(await page.getByTestId('filter-asOf').inputValue()).toBe('');
  }, 60_000);

  it('shows the reconciliation of a campaign picked in the filter', async () => {
    await expect(page.getByTestId('panel-reconciliation').count()).resolves.toBe(0);
    await page.getByTestId('filter-campaign').selectOption('unity-2026');
    await page.waitForSelector('[data-testid=dashboard][data-state=ready] [data-testid=panel-reconciliation]');
    const report = (await ledger!.get('/reconciliation?campaignId=unity-2026')).body;
    expect(report.difference).toBe(50_000 - 368_850);
    expect(await page.getByTestId('recon-difference').textContent()).toBe('-¥3,188.50');
    expect(await page.getByTestId('panel-reconciliation').textContent()).toContain('未匹配流水 1 条');
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-zh-CN-campaign.png'), fullPage: true });
    await page.getByRole('button', { name: '重置' }).click();
    await expectCardsToEqualTotals('huaihua');
    await expect(page.getByTestId('panel-reconciliation').count()).resolves.toBe(0);
  }, 60_000);

  it('serves a favicon, named in the page', async () => {
    const icon = await page.request.get(new URL('/favicon.ico', page.url()).href);
    expect([icon.status(), icon.headers()['content-type']]).toEqual([200, expect.stringMatching(/^image\//)]);
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('/favicon.ico');
  }, 30_000);

  it('draws the monthly trend over every month from the first to the last, months without data as zeros', async () => {
    await cards('huaihua');
    const months = (await ledger!.get('/stats/breakdown?by=month&orgUnitId=huaihua')).body.rows.map((row: { key: string }) => row.key);
    // March (hours only), June to November (activities), December (the refund, dated when it was recorded).
    expect(months).toEqual(['2026-03', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    const labels = (await chartTexts('panel-month')).filter((text) => /^\d{4}年\d{1,2}月$/.test(text));
    expect(labels).toEqual(['3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].map((month) => `2026年${month}月`));
  }, 30_000);

  it('labels the campaign chart\'s money axis in 万 and 亿, short enough not to run together', async () => {
    await cards('huaihua');
    const labels = await moneyAxisLabels();
    expect(labels.length).toBeGreaterThan(2);
    for (const label of labels) expect(label).toMatch(/^¥\d+(\.\d+)?[万亿]?$/);
    expect(labels.some((label) => label.endsWith('万'))).toBe(true);
  }, 30_000);

  it('names the card\'s materials 宣传资料 in 份, and shows the goods handed out', async () => {
    await cards('huaihua');
    const totals = (await ledger!.get('/stats/totals?orgUnitId=huaihua')).body;
    expect(await page.getByTestId('note-beneficiaries').textContent()).toBe(`发放宣传资料 ${totals.materialsDistributed} 份`);
    expect(totals.goodsDistributions).toBeGreaterThan(0);
    const card = page.getByTestId('card-goodsDistributedValue');
    expect(Number(await card.getAttribute('data-value'))).toBe(totals.goodsDistributedValue);
    expect(await page.getByTestId('label-goodsDistributedValue').textContent()).toBe('发放物资');
    expect(await page.getByTestId('note-goodsDistributedValue').textContent())
      .toBe(`发放 ${totals.goodsDistributions} 次 · 受益 ${totals.distributionBeneficiaries} 人`);
  }, 30_000);

  it('takes dates as YYYY-MM-DD on a Chinese page in an English browser, and refuses a date that does not exist', async () => {
    const from = page.getByTestId('filter-from');
    expect([await from.getAttribute('type'), await from.getAttribute('placeholder')]).toEqual(['text', '年-月-日']);
    await from.fill('2026-10-01');
    await page.getByTestId('filter-to').fill('2026-10-31');
    await page.waitForSelector('[data-testid=dashboard][data-state=ready]');
    const october = (await ledger!.get('/stats/totals?orgUnitId=huaihua&from=2026-10-01&to=2026-10-31')).body;
    await page.waitForSelector(`[data-testid=card-activitiesHeld][data-value="${october.activitiesHeld}"]`);
    expect(await from.inputValue()).toBe('2026-10-01');
    // 30 February: marked, and the last good date stays in force.
    await from.fill('2026-02-30');
    await from.press('Tab');
    expect(await from.getAttribute('aria-invalid')).toBe('true');
    await page.waitForSelector('[data-testid=dashboard][data-state=ready]');
    expect(Number(await page.getByTestId('card-activitiesHeld').getAttribute('data-value'))).toBe(october.activitiesHeld);
    await page.getByRole('button', { name: '重置' }).click();
    await expectCardsToEqualTotals('huaihua');
    expect(await from.inputValue()).toBe('');
    expect(await from.getAttribute('aria-invalid')).toBe('false');
  }, 60_000);

  it('shows equal categories with equal percentages', async () => {
    // 芷江 held three activities of three categories: a third each, never 33.34% beside 33.33%.
    await page.getByTestId('org-row-zhijiang').click();
    await cards('zhijiang');
    const percentages = async () => (await chartTexts('panel-category')).join(' ').match(/\d+\.\d{2}%/g) ?? [];
    await page.locator('[data-testid=panel-category] svg text').nth(2).waitFor({ timeout: 10_000 });
    expect(await percentages()).toEqual(['33.33%', '33.33%', '33.33%']);
    await page.getByTestId('crumb-huaihua').click();
    await cards('huaihua');
  }, 60_000);

  it('offers a drill-down only into units with units below them', async () => {
    const arrow = async (id: string) => (await page.getByTestId(`org-row-${id}`).textContent())!.includes('›');
    expect(await arrow('mayang')).toBe(true);
    // The city's own row (the large donation recorded on it) leads nowhere.
    expect(await arrow('huaihua')).toBe(false);
    await page.getByTestId('org-row-mayang').click();
    await cards('mayang');
    expect([await arrow('gaocun'), await arrow('lanli'), await arrow('mayang')]).toEqual([true, false, false]);
    await page.getByTestId('org-row-gaocun').click();
    await cards('gaocun');
    expect(await arrow('xinying')).toBe(false);
    // Clicking the village's row stays where it is.
    await page.getByTestId('org-row-xinying').click();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('dashboard').getAttribute('data-org-unit')).toBe('gaocun');
    await page.getByTestId('crumb-huaihua').click();
    await expectCardsToEqualTotals('huaihua');
    await screenshots('zh-CN');
  }, 60_000);

  it('switches to English and remembers it', async () => {
    await page.getByTestId('toggle-locale').click();
    await page.waitForSelector('[data-testid=dashboard][data-locale=en]');
    expect(await page.getByTestId('label-activitiesHeld').textContent()).toBe('Activities held');
    expect(await page.getByTestId('app-title').textContent()).toBe('Tongxin Ledger · Dashboard');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const summary = (await ledger!.get('/reports/summary?orgUnitId=huaihua&format=json&lang=en')).body.text;
    await page.getByTestId('summary-text').filter({ hasText: summary.slice(0, 30) }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('summary-text').textContent()).toBe(summary);
    await page.reload();
    await expectCardsToEqualTotals('huaihua');
    expect(await page.getByTestId('label-activitiesHeld').textContent()).toBe('Activities held');
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-en.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('speaks English everywhere it names something itself: the city\'s own row, the money axis, the materials', async () => {
    await cards('huaihua');
    expect(await page.getByTestId('org-row-huaihua').locator('td').first().textContent()).toBe('怀化市 (own level)');
    expect(await page.getByTestId('org-table').textContent()).not.toContain('本级');
    const labels = await moneyAxisLabels();
    for (const label of labels) expect(label).toMatch(/^¥\d+(\.\d+)?[KMB]?$/);
    expect(labels.some((label) => label.endsWith('M'))).toBe(true);
    const totals = (await ledger!.get('/stats/totals?orgUnitId=huaihua')).body;
    expect(await page.getByTestId('note-beneficiaries').textContent()).toBe(`Publicity materials distributed: ${totals.materialsDistributed} copies`);
    const months = (await chartTexts('panel-month')).filter((text) => /^[A-Z][a-z]{2} 2026$/.test(text));
    expect(months).toEqual(['Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((month) => `${month} 2026`));
    expect(await page.getByTestId('filter-from').getAttribute('placeholder')).toBe('YYYY-MM-DD');
    await screenshots('en');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('opens an organiser\'s page on its own unit, named, not on a nameless whole scope', async () => {
    const issued = await ledger!.post('/tokens', { name: '麻阳县组织者', role: 'organiser', orgUnitId: 'mayang' });
    expect(issued.status).toBe(201);
    await page.getByTestId('toggle-locale').click();
    await page.waitForSelector('[data-testid=dashboard][data-locale=zh-CN]');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').fill(issued.body.token);
    await page.getByTestId('sign-in-submit').click();
    await expectCardsToEqualTotals('mayang');
    const breadcrumb = await page.getByTestId('breadcrumb').textContent();
    expect(breadcrumb).toContain('麻阳苗族自治县');
    expect(breadcrumb).not.toContain('全部范围');
    expect(await page.getByTestId('crumb-mayang').locator('.tag').textContent()).toBe('县');
    await screenshots('zh-CN-organiser');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
