/**
 * The web dashboard in a real browser: Vite builds it, the API serves it on a real port over a seeded ledger, and
 * Chromium (playwright-core driving /usr/bin/chromium) signs in, reads the cards against GET /stats/totals, drills
 * into a county and back, switches to English, and saves a screenshot of each language to test/artifacts/.
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
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
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
});
