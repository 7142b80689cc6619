import type { EventBus } from '@nestjs/cqrs';
import { NO_STREAM, SqliteEventStore, type EventStore, type NewEvent, type RecordedEvent } from '@tongxin/event-store';
import { openKeyStore, SealingEventStore, type SubjectKeyStore } from '@tongxin/privacy';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '../auth/principal';
import { GetCampaignHandler } from '../campaigns/get-campaign.handler';
import { GetDonationHandler } from '../donations/get-donation.handler';
import { donationKey } from '../donations/receive-donation.handler';
import { CommandExecutor } from './command-executor';
import type { ReadSide } from './read-side';

const ADMIN: Principal = { tokenId: 'admin', role: 'admin', scopeOrgUnitId: null };
const ORG_PATH = ['hunan', 'mayang'];
const meta = { actor: 'admin', commandId: 'c', correlationId: 'c', orgUnitId: 'mayang', schemaVersion: 1 };
const DONATIONS = 300;

const launched: NewEvent = {
  type: 'CampaignLaunched', metadata: meta,
  data: { campaignId: 'c1', name: '民族团结', orgUnitId: 'mayang', orgPath: ORG_PATH, startsOn: null, endsOn: null },
};
const received = (donationId: string): NewEvent => ({
  type: 'DonationReceived', metadata: meta,
  data: {
    donationId, campaignId: 'c1', orgUnitId: 'mayang', orgPath: ORG_PATH, donor: { name: `捐赠人${donationId}`, kind: 'individual', anonymous: false },
    kind: 'money', amount: 1_000, receivedOn: '2026-06-01', method: 'cash', reference: null, items: [],
  },
});
const refunded = (donationId: string, refundId: string): NewEvent => ({
  type: 'DonationRefunded', metadata: meta,
  data: { refundId, donationId, campaignId: 'c1', orgUnitId: 'mayang', orgPath: ORG_PATH, kind: 'money', amount: 100, refundedOn: '2026-06-02', reason: '多转' },
});

/** The log, counting the events each read hands back: what a request costs, whatever the machine's speed. */
function counting(store: EventStore): { store: EventStore; eventsRead: () => number } {
  let read = 0;
  const counted = async (events: Promise<RecordedEvent[]>) => {
    const list = await events;
    read += list.length;
    return list;
  };
  const wrapped = Object.create(store) as EventStore;
  wrapped.readStream = (streamId, options) => counted(store.readStream(streamId, options));
  wrapped.readAll = (options) => counted(store.readAll(options));
  return { store: wrapped, eventsRead: () => read };
}

describe('reads of a long campaign', () => {
  let dir: string;
  let raw: SqliteEventStore;
  let keys: SubjectKeyStore;
  let sealing: SealingEventStore;
  let revision = -1;

  async function append(events: NewEvent[], uniqueKeys?: string[]): Promise<void> {
    revision = (await sealing.appendToStream('campaign-c1', events, { expectedRevision: revision < 0 ? NO_STREAM : revision, uniqueKeys })).revision;
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongxin-long-campaign-'));
    raw = new SqliteEventStore(join(dir, 'ledger.db'));
    keys = await openKeyStore(join(dir, 'vault.db'));
    sealing = new SealingEventStore(raw, keys);
    revision = -1;
    await append([launched]);
    for (let i = 0; i < DONATIONS; i++) await append([received(`d${i}`)], [donationKey(`d${i}`)]);
    await append([refunded('d5', 'r1')]);
  });
  afterEach(async () => {
    await raw.close();
    await keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a donation read once, then later reads cost the donation\'s own events and the new tail, not the stream', async () => {
    const { store: log, eventsRead } = counting(raw);
    const store = new SealingEventStore(log, keys);
    const donations = new GetDonationHandler(new CommandExecutor(store, { publish: () => undefined } as unknown as EventBus, log), store);
    await donations.execute({ id: 'd5', principal: ADMIN } as never);

    await append([received('late')], [donationKey('late')]);
    await append([refunded('d5', 'r2')]);
    const before = eventsRead();
    const view = await donations.execute({ id: 'd5', principal: ADMIN } as never);
    // The two new events of the tail, then d5's received event and its two refunds.
    expect(eventsRead() - before).toBe(2 + 3);
    expect(view).toMatchObject({
      id: 'd5', revision, refunded: 200, donor: { name: '捐赠人d5', erased: false },
      refunds: [expect.objectContaining({ refundId: 'r1', position: DONATIONS + 2 }), expect.objectContaining({ refundId: 'r2', position: revision + 1 })],
    });
    expect((await donations.execute({ id: 'late', principal: ADMIN } as never)).donor.name).toBe('捐赠人late');
  });

  it('given a donor erased after a read, then the next read shows the erasure', async () => {
    const donations = new GetDonationHandler(new CommandExecutor(sealing, { publish: () => undefined } as unknown as EventBus, raw), sealing);
    expect((await donations.execute({ id: 'd7', principal: ADMIN } as never)).donor).toMatchObject({ name: '捐赠人d7', erased: false });
    await keys.destroy('donor:d7');
    expect((await donations.execute({ id: 'd7', principal: ADMIN } as never)).donor).toMatchObject({ name: null, erased: true });
  });

  it('given a campaign read once, then the next read costs only the new tail', async () => {
    const { store: log, eventsRead } = counting(raw);
    const readSide = { caughtUp: async () => undefined, readModel: { totals: async () => ({}) } } as unknown as ReadSide;
    const campaigns = new GetCampaignHandler(new CommandExecutor(new SealingEventStore(log, keys), { publish: () => undefined } as unknown as EventBus, log), readSide);
    expect((await campaigns.execute({ id: 'c1', principal: ADMIN } as never)).balance).toBe(DONATIONS * 1_000 - 100);
    await append([received('late')], [donationKey('late')]);
    const before = eventsRead();
    const view = await campaigns.execute({ id: 'c1', principal: ADMIN } as never);
    expect(eventsRead() - before).toBe(1);
    expect(view).toMatchObject({ revision, balance: (DONATIONS + 1) * 1_000 - 100 });
  });
});
