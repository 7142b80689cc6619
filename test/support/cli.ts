import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { READ_MODEL_TABLES } from '../../libs/projections/src/schema';
import { createEventStore, NO_STREAM, type EventStore } from '@tongxin/event-store';
import { syntheticLedger, type SyntheticEvent } from '../../libs/projections/src/testing/synthetic-ledger';
import type { LedgerTestApp } from './ledger-app';

const ROOT = join(__dirname, '..', '..');

export interface CliRun { code: number | null; stdout: string; stderr: string }

/** The real `tongxin` launcher (package.json bin) as its own process, from the TypeScript sources. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return spawnCli(args, env).done;
}

const CATEGORIES = ['lecture', 'public_welfare', 'performance', 'training', 'home_visit', 'festival', 'volunteer_service'];
const VENUES = ['agency', 'community', 'school', 'enterprise', 'religious_site', null];

/**
 * A small but complete ledger through the API: a city tree, two campaigns, activities (some corrected,
 * some voided), volunteers with hours (some verified, some rejected), donations of money and goods,
 * refunds and disbursements. Deterministic, so a failure replays.
 */
export async function writeRealisticLedger(ledger: LedgerTestApp, scale = 1): Promise<void> {
  let seed = 20260611;
  const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const date = () => `2026-${String(int(1, 10)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
  const all = async <T>(items: T[], fn: (item: T, i: number) => Promise<unknown>) => {
    for (let i = 0; i < items.length; i += 16) await Promise.all(items.slice(i, i + 16).map((item, j) => fn(item, i + j)));
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);

  await ledger.ok('/org-units', { id: 'huaihua', name: '怀化市', level: 'city', code: '431200' });
  const villages: string[] = [];
  for (const county of ['mayang', 'zhijiang']) {
    await ledger.ok('/org-units', { id: county, name: `${county}县`, level: 'county', parentId: 'huaihua' });
    for (const v of [1, 2, 3]) {
      await ledger.ok('/org-units', { id: `${county}-v${v}`, name: `${county}${v}村`, level: 'village', parentId: county });
      villages.push(`${county}-v${v}`);
    }
  }
  await ledger.ok('/campaigns', { id: 'unity', name: '民族团结进步创建', orgUnitId: 'huaihua', startsOn: '2026-01-01' });
  await ledger.ok('/campaigns', { id: 'mayang-fest', name: '麻阳节庆', orgUnitId: 'mayang' });

  const activities = range(200 * scale).map((i) => `act-${i}`);
  await all(activities, (id) => {
    const village = pick(villages);
    const campaignId = random() < 0.6 ? 'unity' : village.startsWith('mayang') && random() < 0.5 ? 'mayang-fest' : null;
    const venueType = pick(VENUES);
    return ledger.ok('/activities', {
      id, orgUnitId: village, title: `活动${id}`, category: pick(CATEGORIES), occurredOn: date(), participants: int(0, 300),
      beneficiaries: int(0, 500), materialsDistributed: int(0, 50), ...(venueType ? { venueType } : {}), ...(campaignId ? { campaignId } : {}),
    });
  });
  const volunteers = range(20).map((i) => ({ id: `vol-${i}`, village: pick(villages) }));
  await all(volunteers, (v) => ledger.ok('/volunteers', { id: v.id, orgUnitId: v.village, name: `志愿者${v.id}` }));
  const entries = range(400 * scale).map((i) => ({ volunteerId: volunteers[i % volunteers.length].id, entryId: `e-${i}`, activityId: random() < 0.5 ? pick(activities) : null }));
  // One volunteer's entries in sequence: they share a stream, and parallel writes to it would only race.
  await all(volunteers, async (v) => {
    for (const entry of entries.filter((e) => e.volunteerId === v.id)) {
      await ledger.ok(`/volunteers/${v.id}/hours`, { entryId: entry.entryId, servedOn: date(), minutes: int(1, 20), ...(entry.activityId ? { activityId: entry.activityId } : {}) });
    }
  });
  const donations = range(40 * scale);
  for (const i of donations) {
    const campaignId = i % 4 === 0 ? 'mayang-fest' : 'unity';
    const unit = campaignId === 'mayang-fest' ? pick(villages.filter((v) => v.startsWith('mayang'))) : pick([...villages, 'huaihua']);
    const kind = i % 5 === 0 ? 'goods' : 'money';
    const receivedOn = date();
    const quantity = int(1, 100);
    await ledger.ok('/donations', {
      id: `don-${i}`, campaignId, orgUnitId: unit, donor: { name: `捐赠人${i}`, kind: i % 3 ? 'individual' : 'organisation' }, kind,
      amount: int(1, 5_000_000), receivedOn, ...(kind === 'goods' ? { items: [{ description: '大米', quantity, unit: '袋' }] } : { method: 'bank_transfer' }),
    });
    // Part of the goods handed on where they were received, on the day.
    if (kind === 'goods') {
      await ledger.ok(`/donations/don-${i}/distributions`, {
        items: [{ index: 0, quantity: int(1, quantity) }], recipient: { orgUnitId: unit }, beneficiaries: int(0, 30), distributedOn: receivedOn,
      });
    }
  }

  await all(activities.filter((_, i) => i % 10 === 0), async (id) => {
    const reply = await ledger.post(`/activities/${id}/corrections`, { participants: int(0, 300), category: pick(CATEGORIES), reason: '复核更正' });
    if (reply.status !== 200 && reply.status !== 422) throw new Error(`correction answered ${reply.status}: ${reply.text}`);
  });
  await all(activities.filter((_, i) => i % 25 === 3), (id) => ledger.ok(`/activities/${id}/void`, { reason: '重复录入' }));
  await all(volunteers, async (v) => {
    for (const [i, e] of entries.entries()) {
      if (e.volunteerId !== v.id) continue;
      if (i % 3 === 0) await ledger.ok(`/volunteers/${v.id}/hours/${e.entryId}/verify`);
      else if (i % 17 === 1) await ledger.ok(`/volunteers/${v.id}/hours/${e.entryId}/reject`, { reason: '时长不实' });
    }
  });
  for (const i of donations.filter((i) => i % 5 !== 0).slice(0, 8)) {
    await ledger.ok(`/donations/don-${i}/refunds`, { amount: 1, reason: '捐赠人要求退回', refundedOn: '2026-10-15' });
  }
  for (const i of range(6)) {
    await ledger.ok('/disbursements', { id: `dis-${i}`, campaignId: i % 2 ? 'unity' : 'mayang-fest', orgUnitId: i % 2 ? pick(villages) : 'mayang-v1', amount: int(1, 1000), purpose: '困难群众慰问', paidOn: '2026-10-20', beneficiaries: 3 });
  }
}

export const BREAKDOWNS = ['orgUnit', 'campaign', 'category', 'venueType', 'month', 'goodsUnit'] as const;
export const FILTERS: Record<string, string>[] = [
  {}, { orgUnitId: 'mayang' }, { orgUnitId: 'zhijiang-v2' }, { campaignId: 'unity' }, { campaignId: 'mayang-fest', orgUnitId: 'mayang' },
  { from: '2026-04-01', to: '2026-06-30' }, { category: 'lecture' }, { venueType: 'school', orgUnitId: 'zhijiang' },
];

/** Every figure a report is built from: totals under each filter and each breakdown under each filter. */
export async function ledgerFigures(ledger: LedgerTestApp): Promise<Record<string, unknown>> {
  const head = await ledger.head();
  const figures: Record<string, unknown> = {};
  const answer = async (path: string) => {
    const reply = await ledger.get(`${path}&minPosition=${head}`);
    if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}: ${reply.text}`);
    // Positions are renumbered by an import; the figures are what must not move.
    const { position: _position, ...rest } = reply.body;
    return rest;
  };
  for (const filter of FILTERS) {
    const query = new URLSearchParams(filter).toString();
    figures[`totals?${query}`] = await answer(`/stats/totals?${query}`);
    for (const by of BREAKDOWNS) figures[`breakdown?by=${by}&${query}`] = await answer(`/stats/breakdown?${new URLSearchParams({ by, ...filter })}`);
  }
  return figures;
}

/**
 * `count` events of the synthetic Huaihua ledger appended through the store port (so whatever the store's
 * schema, the log is the store's own). Windows of appends run together for group commit; a stream appears at
 * most once per window, so each stream's revisions stay in order. Returns the head position.
 */
export async function writeSyntheticLog(storeUrl: string, count: number, window = 256): Promise<number> {
  const store = await createEventStore(storeUrl);
  try {
    let pending: SyntheticEvent[] = [];
    const flush = async () => {
      await Promise.all(pending.map((e) => store.appendToStream(e.streamId, [{ type: e.type, data: e.data, metadata: e.metadata }],
        { expectedRevision: e.revision === 0 ? NO_STREAM : e.revision - 1 })));
      pending = [];
    };
    for (const event of syntheticLedger(count)) {
      if (pending.length >= window || pending.some((e) => e.streamId === event.streamId)) await flush();
      pending.push(event);
    }
    await flush();
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

/** The real launcher, not awaited: for a test that kills it. */
export function spawnCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliRun & { signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/tongxin.js'), ...args], {
    cwd: ROOT,
    // Sources, not a build that may be older than them; no TONGXIN_STORE from the caller's shell.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TONGXIN_CLI_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Tables compared between two read models: all but the meta row, whose rebuild generation differs by design. */
const COMPARED_TABLES = READ_MODEL_TABLES.filter((table) => table !== 'read_model_meta');

/** A read model's rows (SQLite path or postgres URL with ?schema=), each table sorted on every column: equal models, equal dumps. */
export async function readModelRows(location: string): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  if (/^postgres/.test(location)) {
    const url = new URL(location);
    const schema = url.searchParams.get('schema') ?? 'tongxin_read';
    url.searchParams.delete('schema');
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      for (const table of COMPARED_TABLES) {
        const { rows: columns } = await client.query('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [schema, table]);
        const order = columns.map((c) => `"${c.column_name}"`).join(', ');
        rows[table] = (await client.query(`SELECT * FROM ${schema}.${table} ORDER BY ${order}`)).rows;
      }
    } finally {
      await client.end();
    }
    return rows;
  }
  const db = new Database(location, { readonly: true });
  try {
    for (const table of COMPARED_TABLES) {
      const order = (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).join(', ');
      rows[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();
    }
  } finally {
    db.close();
  }
  return rows;
}

/** One SQL statement on a read model, as someone editing it by hand would. */
export async function editReadModel(location: string, sql: string): Promise<number> {
  if (/^postgres/.test(location)) {
    const url = new URL(location);
    const schema = url.searchParams.get('schema') ?? 'tongxin_read';
    url.searchParams.delete('schema');
    const client = new Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return (await client.query(sql)).rowCount ?? 0;
    } finally {
      await client.end();
    }
  }
  const db = new Database(location);
  try {
    return db.prepare(sql).run().changes;
  } finally {
    db.close();
  }
}

/** True while some connection holds the read model's rebuild lock (SQLite: its write lock; PostgreSQL: an advisory lock). */
export async function rebuildLockHeld(location: string): Promise<boolean> {
  if (/^postgres/.test(location)) {
    const url = new URL(location);
    url.searchParams.delete('schema');
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted");
      return rows[0].n > 0;
    } finally {
      await client.end();
    }
  }
  const db = new Database(location);
  try {
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The rebuild's promise, end to end on `store` (holding `events` events): a rebuild killed with SIGKILL while it
 * holds the lock, part-way through its replay, leaves the model as it was; run again, it gives the rows and
 * totals of an uninterrupted rebuild into `reference`. The live model is damaged by hand first, so "as it was"
 * and "put right" are told apart.
 */
export async function expectKilledRebuildToRecover(store: string, live: string, reference: string, events: number): Promise<void> {
  // 1. The reference: one uninterrupted rebuild into a read model of its own. Its time sets when to kill.
  const uninterrupted = await runCli(['rebuild', '--store', store, '--read-model', reference]);
  expect(uninterrupted).toMatchObject({ code: 0, stdout: '' });
  expect(uninterrupted.stderr).toContain(`${events} events to position ${events}`);
  const replaySeconds = Number(/in ([\d.]+) s/.exec(uninterrupted.stderr)![1]);

  // 2. A live model, caught up, then damaged by hand.
  expect((await runCli(['stats', 'totals', '--json', '--store', store, '--read-model', live])).code).toBe(0);
  expect(await editReadModel(live, 'UPDATE donations SET amount = amount + 1')).toBeGreaterThan(0);
  const damaged = await readModelRows(live);

  // 3. Killed once it holds the lock and is part-way through the replay.
  const killed = spawnCli(['rebuild', '--store', store, '--read-model', live]);
  while (!(await rebuildLockHeld(live))) await sleep(20);
  await sleep(Math.max(100, (replaySeconds * 1000) / 2));
  killed.child.kill('SIGKILL');
  const outcome = await killed.done;
  expect(outcome.signal).toBe('SIGKILL');
  expect(outcome.stderr).not.toContain('rebuilt');
  // Nothing of the half-done rebuild is visible: the model is the one before it, whole.
  expect(await readModelRows(live)).toEqual(damaged);

  // 4. Run again: the same rows and the same totals as the uninterrupted rebuild.
  const rerun = await runCli(['rebuild', 'ledger-totals', '--store', store, '--read-model', live]);
  expect(rerun.code).toBe(0);
  expect(rerun.stderr).toContain(`${events} events to position ${events}`);
  expect(await readModelRows(live)).toEqual(await readModelRows(reference));
  const totals = async (location: string) =>
    JSON.parse((await runCli(['stats', 'totals', '--json', '--no-catch-up', '--store', store, '--read-model', location])).stdout);
  const liveTotals = await totals(live);
  expect(liveTotals).toEqual(await totals(reference));
  expect(liveTotals).toMatchObject({ position: events });
  expect(liveTotals.donations).toBeGreaterThan(0);
}

/** Opens the store at `url` (no sealing: raw events), runs `work`, and closes it whatever happens. */
export async function withStore<T>(url: string, work: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await createEventStore(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
