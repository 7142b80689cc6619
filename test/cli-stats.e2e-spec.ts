import { createEventStore } from '@tongxin/event-store';
import { join } from 'node:path';
import { LedgerTestApp } from './support/ledger-app';
import { runCli, writeRealisticLedger } from './support/cli';

const FLAGS: Record<string, string> = {
  orgUnitId: '--org-unit', campaignId: '--campaign', from: '--from', to: '--to', category: '--category', venueType: '--venue-type', asOf: '--as-of',
};

/** `tongxin stats` answers what the API answers for the same filters, and refuses what the API refuses. */
describe('tongxin stats', () => {
  jest.setTimeout(85_000);
  let ledger: LedgerTestApp;
  let store: string;
  let head: number;
  let middle: string;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    store = ledger.config.storeUrl;
    await writeRealisticLedger(ledger);
    head = await ledger.head();
    // An instant in the middle of the log, for as-of answers.
    const events = await createEventStore(store);
    try {
      middle = (await events.readAll({ after: Math.floor(head / 2), limit: 1 }))[0].recordedAt;
    } finally {
      await events.close();
    }
  });
  afterAll(async () => ledger?.stop());

  const cli = (args: string[]) => runCli([...args, '--store', store]);
  const args = (filter: Record<string, string>) => Object.entries(filter).flatMap(([name, value]) => [FLAGS[name], value]);

  it.each<[string, Record<string, string>]>([
    ['totals', {}],
    ['totals', { orgUnitId: 'mayang', from: '2026-04-01', to: '2026-06-30' }],
    ['totals', { campaignId: 'unity', category: 'lecture' }],
    ['totals', { orgUnitId: 'zhijiang', asOf: 'MIDDLE' }],
    ['orgUnit', { orgUnitId: 'huaihua' }],
    ['month', { campaignId: 'mayang-fest', orgUnitId: 'mayang' }],
    ['venueType', { venueType: 'school', orgUnitId: 'zhijiang' }],
    ['category', { asOf: 'MIDDLE' }],
    ['campaign', { from: '2026-03-01' }],
    ['goodsUnit', { orgUnitId: 'huaihua' }],
  ])('%s %j: the same JSON as the API', async (question, given) => {
    const filter = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v === 'MIDDLE' ? middle : v]));
    const query = new URLSearchParams({ ...(question === 'totals' ? {} : { by: question }), ...filter, minPosition: String(head) });
    const api = await ledger.get(`/stats/${question === 'totals' ? 'totals' : 'breakdown'}?${query}`);
    expect(api.status).toBe(200);
    const run = await cli(['stats', ...(question === 'totals' ? ['totals'] : ['breakdown', '--by', question]), ...args(filter), '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual(api.body);
    // Not a comparison of zeros.
    const figures = question === 'totals' ? api.body : api.body.rows[0];
    if (!filter.asOf) expect(Object.values(figures).some((value) => typeof value === 'number' && value > 0)).toBe(true);
  });

  it.each<[string, string]>([
    ['orgUnitId=mayang&limit=1000', '--org-unit mayang --limit 1000'],
    ['campaignId=unity&from=2026-03-01&limit=20', '--campaign unity --from 2026-03-01 --limit 20'],
    ['since=MIDDLE&category=lecture', '--since MIDDLE --category lecture'],
  ])('changes %s: the same JSON as the API', async (query, flags) => {
    const api = await ledger.get(`/stats/changes?${query.replace('MIDDLE', encodeURIComponent(middle))}&minPosition=${head}`);
    expect(api.status).toBe(200);
    expect(api.body.changes.length).toBeGreaterThan(0);
    const run = await cli(['stats', 'changes', ...flags.replace('MIDDLE', middle).split(' '), '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual(api.body);
  });

  it('prints changes as a table, with the next page to ask for', async () => {
    const run = await cli(['stats', 'changes', '--limit', '5']);
    expect(run.code).toBe(0);
    const [header, , ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^\s*位置\s+记录时间\s+类型\s+对象\s+变更前\s+变更后\s+原因\s+操作人/);
    expect(rows).toHaveLength(6);
    expect(rows.at(-1)).toMatch(new RegExp(`^截至位置 position ${head}，下一页 --after \\d+$`));
  });

  it('prints a table with the API\'s Chinese labels, from the read model the API uses by default', async () => {
    const run = await cli(['stats', 'breakdown', '--by', 'orgUnit', '--org-unit', 'huaihua']);
    expect(run.code).toBe(0);
    const [header, , ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^名称\s+orgUnit\s+活动场次\s+参与人次/);
    expect(rows.some((row) => row.startsWith('mayang县') && row.includes('mayang'))).toBe(true);
    expect(rows.at(-1)).toBe(`截至位置 position ${head}`);
    const totals = await cli(['stats', 'totals', '--read-model', join(ledger.dir, 'tongxin-read.db')]);
    expect(totals.stdout).toMatch(/^指标\s+figure\s+数值\n/);
    expect(totals.stdout).toMatch(/\n筹集总额\(分\)\s+fundsRaised\s+\d+\n/);
    // The activities' leaflets are named as in the workbook; goods handed out have their own rows.
    expect(totals.stdout).toMatch(/\n发放宣传资料（份）\s+materialsDistributed\s+\d+\n/);
    expect(totals.stdout).toMatch(/\n发放物资次数\s+goodsDistributions\s+[1-9]\d*\n/);
    const units = await cli(['stats', 'breakdown', '--by', 'goodsUnit']);
    expect(units.stdout.split('\n')[0]).toMatch(/^名称\s+goodsUnit\s+发放数量\s+活动场次/);
    expect(units.stdout).toMatch(/\n袋\s+袋\s+[1-9]\d*\s/);
  });

  it.each<[string, string[], number, RegExp, string, number]>([
    ['an org unit that does not exist', ['totals', '--org-unit', 'nowhere'], 2, /org unit nowhere does not exist/, 'totals?orgUnitId=nowhere', 422],
    ['a campaign that does not exist', ['breakdown', '--by', 'month', '--campaign', 'nocampaign'], 2, /campaign nocampaign does not exist/, 'breakdown?by=month&campaignId=nocampaign', 422],
    ['to before from', ['totals', '--from', '2026-05-01', '--to', '2026-04-30'], 2, /--to must not be before --from/, 'totals?from=2026-05-01&to=2026-04-30', 400],
    ['a date that is not in the calendar', ['totals', '--from', '2026-02-30'], 1, /real calendar date YYYY-MM-DD/, 'totals?from=2026-02-30', 400],
    ['an instant without an offset', ['totals', '--as-of', '2026-05-01T00:00:00'], 1, /ISO 8601 instant with an offset/, 'totals?asOf=2026-05-01T00:00:00', 400],
    ['an unknown dimension', ['breakdown', '--by', 'weekday'], 1, /Allowed choices are orgUnit, campaign, category, venueType, month/, 'breakdown?by=weekday', 400],
    ['an unknown category', ['totals', '--category', 'cooking'], 1, /Allowed choices are lecture/, 'totals?category=cooking', 400],
  ])('refuses %s, as the API does', async (_what, argv, code, message, path, status) => {
    expect((await ledger.get(`/stats/${path}`)).status).toBe(status);
    const run = await cli(['stats', ...argv]);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('explains itself', async () => {
    const help = await runCli(['stats', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const phrase of ['Usage: tongxin stats [options] <question>', '"totals", "breakdown", "changes"', '--since <instant>', '--late', '--by <dimension>', '--org-unit <id>', '--campaign <id>',
      '--from <date>', '--to <date>', '--category <category>', '--venue-type <type>', '--as-of <instant>', '--json', '--read-model <location>', 'exit code 2']) {
      expect(text).toContain(phrase);
    }
  });
});
