/**
 * Idempotency keys are unique per client: a key one token used neither answers nor blocks another token's request,
 * while each token's own retries replay — after a restart, on every store, and after the ledger moved with
 * `tongxin export` / `import-events`. Records stored bare by earlier versions still replay for the caller that made them.
 */
import { CommandBus } from '@nestjs/cqrs';
import type { IdempotencyRecord } from '@tongxin/event-store';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { exportEvents } from '../apps/cli/src/export-events';
import { importEvents } from '../apps/cli/src/import-events';
import { RecordActivityCommand } from '../apps/api/src/activities/record-activity.handler';
import { canonicalJson } from '../apps/api/src/http/command-context.decorator';
import type { RecordActivityDto } from '../apps/api/src/activities/activity.dto';
import { withStore } from './support/cli';
import { describeOnEveryStore, type OpenedLedger } from './support/every-store';
import { LedgerTestApp, type Reply } from './support/ledger-app';

const KEY = 'lanli-2026-05-01-1';
const activity = (participants: number) => ({
  orgUnitId: 'county', title: '民族团结进步宣讲进村寨', category: 'lecture', occurredOn: '2026-05-01', participants,
});

describeOnEveryStore('tongxin_e2e_idempotency_scope', (store: string, open: () => Promise<OpenedLedger>) => {
  describe(`Idempotency-Key per caller on ${store}`, () => {
    let ledger: LedgerTestApp;
    let dropStore: () => Promise<void>;
    const tokens: Record<'a' | 'b', { id: string; token: string }> = {} as never;
    const as = (who: 'a' | 'b', body: unknown, key = KEY): Promise<Reply> =>
      ledger.post('/activities', body, { authorization: `Bearer ${tokens[who].token}`, 'idempotency-key': key });

    beforeAll(async () => {
      ({ ledger, dropStore } = await open());
      await ledger.ok('/org-units', { id: 'county', name: '麻阳县', level: 'county' });
      for (const who of ['a', 'b'] as const) {
        tokens[who] = (await ledger.post('/tokens', { name: `信息员${who}`, role: 'recorder', orgUnitId: 'county' })).body;
      }
    });
    afterAll(async () => {
      await ledger.stop();
      await dropStore();
    });

    it('gives each token its own answer for the same key, and replays each one\'s own, also after a restart', async () => {
      const first = { a: await as('a', activity(86)), b: await as('b', activity(12)) };
      expect([first.a.status, first.b.status]).toEqual([201, 201]);
      expect(first.b.body.id).not.toBe(first.a.body.id);
      const head = await ledger.head();
      for (let round = 0; round < 2; round++) {
        for (const who of ['a', 'b'] as const) {
          const again = await as(who, activity(who === 'a' ? 86 : 12));
          expect({ status: again.status, body: again.body, replayed: again.headers['idempotent-replayed'] })
            .toEqual({ status: 201, body: first[who].body, replayed: 'true' });
        }
        expect(await ledger.head()).toBe(head);
        await ledger.restart();
      }
    });

    it('still refuses a token reusing its own key for another request with 422, appending nothing', async () => {
      await as('a', activity(1), 'own-key');
      const head = await ledger.head();
      const reply = await as('a', activity(2), 'own-key');
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await ledger.head()).toBe(head);
    });

    it('replays a record an earlier version stored under the bare key for the token that made it, and lets others use the key', async () => {
      // What an earlier version stored: the key as sent, with the fingerprint of method, path, token and body.
      const body = activity(40);
      const fingerprint = createHash('sha256').update(`POST /api/v1/activities\n${tokens.a.id}\n${canonicalJson(body)}`).digest('hex');
      const principal = { tokenId: tokens.a.id, role: 'recorder' as const, scopeOrgUnitId: 'county' };
      const legacy = await ledger.app.get(CommandBus).execute(new RecordActivityCommand(body as RecordActivityDto, {
        principal, commandId: 'c-legacy', correlationId: 'c-legacy', idempotency: { key: 'legacy-key-1', fingerprint },
      }));
      const head = await ledger.head();
      const retry = await as('a', body, 'legacy-key-1');
      expect({ status: retry.status, body: retry.body, replayed: retry.headers['idempotent-replayed'] })
        .toEqual({ status: 201, body: legacy.body, replayed: 'true' });
      expect(await ledger.head()).toBe(head);
      const other = await as('b', activity(41), 'legacy-key-1');
      expect(other.status).toBe(201);
      expect(other.body.id).not.toBe(legacy.body.id);
    });
  });
});

describe('tongxin export / import-events carry the caller-scoped key unchanged', () => {
  jest.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-idempotency-scope-move-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers the first answer again after the move', async () => {
    const source = await LedgerTestApp.start({ dir: join(dir, 'source') });
    await source.ok('/org-units', { id: 'county', name: '麻阳县', level: 'county' });
    const first = await source.post('/activities', activity(86), { 'idempotency-key': KEY });
    expect(first.status).toBe(201);
    await source.stop({ keepFiles: true });

    const file = join(dir, 'ledger.ndjson');
    await withStore(source.config.storeUrl, async (store) => {
      const out = createWriteStream(file);
      await exportEvents(store, out, { format: 'ndjson' });
      out.end();
      await finished(out);
    });
    const targetUrl = `sqlite:${join(dir, 'target.db')}`;
    const records = await withStore(targetUrl, async (store) => {
      await importEvents(store, file, {});
      const all: IdempotencyRecord[] = [];
      for await (const record of store.idempotencyRecords()) all.push(record);
      return all;
    });
    // The bootstrap admin's token id is `admin`.
    expect(records.map((record) => record.key)).toEqual([`admin ${KEY}`]);

    const target = await LedgerTestApp.start({ dir: join(dir, 'target'), storeUrl: targetUrl });
    try {
      const head = await target.head();
      const again = await target.post('/activities', activity(86), { 'idempotency-key': KEY });
      expect({ status: again.status, body: again.body, replayed: again.headers['idempotent-replayed'] })
        .toEqual({ status: 201, body: first.body, replayed: 'true' });
      expect(await target.head()).toBe(head);
    } finally {
      await target.stop();
    }
  });
});
