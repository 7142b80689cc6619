/**
 * A deterministic, realistic ledger for restart tests and the replay benchmark: a Huaihua-sized tree
 * (1 city, 13 counties, 260 townships, 2,600 villages), campaigns at city and county level, and a mix of
 * events close to a real year: activities ~25%, hour entries ~60% (logged, verified, rejected),
 * corrections (some moving campaigns), voids, donations (goods of one kind, in lots, valued per line or mixed), refunds,
 * disbursements and distributions of the goods.
 * Every event is one the domain would accept (no overdrawn campaign, no hours on a void activity).
 */
import type { RecordedEvent } from '../../../event-store/src/event-store';

export interface SyntheticEvent { streamId: string; revision: number; type: string; data: Record<string, unknown>; metadata: Record<string, unknown>; recordedAt: string }

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = ['lecture', 'public_welfare', 'performance', 'training', 'home_visit', 'festival', 'sports', 'knowledge_test', 'volunteer_service', 'meeting'];
const VENUES = ['agency', 'township', 'community', 'enterprise', 'school', 'religious_site', 'household', 'online', null];

/** Goods donations of `amount`: one item, lots of one good, different goods valued per line, or not valued per unit. */
const GOODS: ((amount: number) => { description: string; quantity: number; unit: string; value?: number }[])[] = [
  () => [{ description: '大米', quantity: 20, unit: '袋' }],
  () => [{ description: '大米', quantity: 20, unit: '袋' }],
  () => [{ description: '大米', quantity: 12, unit: '袋' }, { description: '大米', quantity: 8, unit: '袋' }],
  (amount) => [
    { description: '大米', quantity: 20, unit: '袋', value: Math.floor(amount * 0.6) },
    { description: '棉被', quantity: 5, unit: '床', value: amount - Math.floor(amount * 0.6) },
  ],
  () => [{ description: '大米', quantity: 20, unit: '袋' }, { description: '棉被', quantity: 5, unit: '床' }],
];

interface Activity { id: string; path: string[]; campaignId: string | null; county: number; voided: boolean }

export function* syntheticLedger(count: number, seed = 20240501): Generator<SyntheticEvent> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const revisions = new Map<string, number>();
  let clock = Date.parse('2023-01-01T00:00:00.000Z');
  let emitted = 0;
  const event = (streamId: string, type: string, data: Record<string, unknown>, orgUnitId: string): SyntheticEvent => {
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    clock += Math.floor(random() * 60_000);
    emitted += 1;
    return {
      streamId, revision, type, data, recordedAt: new Date(clock).toISOString(),
      metadata: { actor: `officer-${Math.floor(random() * 5246)}`, commandId: `cmd-${emitted}`, correlationId: `cor-${emitted}`, orgUnitId, schemaVersion: 1 },
    };
  };
  const day = (backDays = 3) => new Date(clock - Math.floor(random() * backDays) * 86_400_000).toISOString().slice(0, 10);

  // 1. The tree and the campaigns.
  const villages: { path: string[]; county: number }[] = [];
  const units: [string, string, string, string | null, string[]][] = [['hh', '怀化市', 'city', null, ['hh']]];
  for (let c = 0; c < 13; c++) {
    const county = `hh-${c}`;
    units.push([county, `县${c}`, 'county', 'hh', ['hh', county]]);
    for (let t = 0; t < 20; t++) {
      const town = `${county}-${t}`;
      units.push([town, `镇${c}-${t}`, 'township', county, ['hh', county, town]]);
      for (let v = 0; v < 10; v++) {
        const village = `${town}-${v}`;
        units.push([village, `村${c}-${t}-${v}`, 'village', town, ['hh', county, town, village]]);
        villages.push({ path: ['hh', county, town, village], county: c });
      }
    }
  }
  for (const [id, name, level, parentId, orgPath] of units) {
    if (emitted >= count) return;
    yield event(`org-unit-${id}`, 'OrgUnitRegistered', { orgUnitId: id, name, level, parentId, code: null, orgPath }, id);
  }
  const cityCampaigns = ['camp-city-0', 'camp-city-1', 'camp-city-2', 'camp-city-3', 'camp-city-4'];
  const balances = new Map<string, number>();
  for (let i = 0; i < 18 && emitted < count; i++) {
    const city = i < 5;
    const id = city ? cityCampaigns[i] : `camp-county-${i - 5}`;
    const orgPath = city ? ['hh'] : ['hh', `hh-${i - 5}`];
    balances.set(id, 0);
    yield event(`campaign-${id}`, 'CampaignLaunched', { campaignId: id, name: `活动${i}`, orgUnitId: orgPath[orgPath.length - 1], orgPath, startsOn: '2023-01-01', endsOn: null }, orgPath[orgPath.length - 1]);
  }
  const campaignFor = (county: number) => (random() < 0.15 ? null : random() < 0.6 ? pick(cityCampaigns) : `camp-county-${county}`);

  // 2. The year's activity.
  const activities: Activity[] = [];
  const volunteers: { id: string; village: (typeof villages)[number] }[] = [];
  const pending: { volunteerId: string; entryId: string }[] = [];
  const refundable: { id: string; campaignId: string; path: string[]; left: number }[] = [];
  /** Goods donations with something left to hand on, and what is left of each item. */
  const stocked: { id: string; campaignId: string; path: string[]; items: { description: string; unit: string; left: number }[] }[] = [];
  let entries = 0;
  let donations = 0;
  const recent = () => activities[activities.length - 1 - Math.floor(random() * Math.min(activities.length, 5000))];
  while (emitted < count) {
    const roll = random();
    if (volunteers.length < 50 || roll < 0.02) {
      const village = pick(villages);
      const id = `vol-${volunteers.length}`;
      volunteers.push({ id, village });
      yield event(`volunteer-${id}`, 'VolunteerRegistered', { volunteerId: id, orgUnitId: village.path[3], orgPath: village.path, name: `志愿者${volunteers.length}`, phone: null }, village.path[3]);
    } else if (activities.length < 20 || roll < 0.27) {
      const village = pick(villages);
      const a: Activity = { id: `act-${activities.length}`, path: village.path, campaignId: campaignFor(village.county), county: village.county, voided: false };
      activities.push(a);
      yield event(`activity-${a.id}`, 'ActivityRecorded', {
        activityId: a.id, orgUnitId: a.path[3], orgPath: a.path, campaignId: a.campaignId, title: '民族团结进步宣讲',
        category: pick(CATEGORIES), venueType: pick(VENUES), occurredOn: day(), participants: 10 + Math.floor(random() * 300),
        beneficiaries: Math.floor(random() * 500), materialsDistributed: Math.floor(random() * 100), location: null, notes: null,
      }, a.path[3]);
    } else if (roll < 0.67) {
      const volunteer = pick(volunteers);
      const a = random() < 0.8 ? recent() : undefined;
      const linked = a && !a.voided ? a : undefined;
      const entryId = `e-${entries++}`;
      const path = linked ? linked.path : volunteer.village.path;
      pending.push({ volunteerId: volunteer.id, entryId });
      yield event(`volunteer-${volunteer.id}`, 'HoursLogged', {
        volunteerId: volunteer.id, entryId, activityId: linked ? linked.id : null, orgUnitId: path[3], orgPath: path,
        campaignId: linked ? linked.campaignId : null, servedOn: day(), minutes: 30 + Math.floor(random() * 450), description: null,
      }, path[3]);
    } else if (roll < 0.86 && pending.length > 0) {
      const at = Math.max(0, pending.length - 1 - Math.floor(random() * 2000));
      const entry = pending[at];
      pending[at] = pending[pending.length - 1];
      pending.pop();
      const reject = roll >= 0.84;
      yield event(`volunteer-${entry.volunteerId}`, reject ? 'HoursRejected' : 'HoursVerified',
        reject ? { ...entry, reason: '重复登记' } : { ...entry }, 'hh');
    } else if (roll < 0.89) {
      const a = recent();
      if (a.voided) continue;
      const changes: Record<string, unknown> = { participants: 10 + Math.floor(random() * 300) };
      const previous: Record<string, unknown> = {};
      if (random() < 0.3) {
        const campaignId = campaignFor(a.county);
        if (campaignId !== a.campaignId) {
          changes.campaignId = campaignId;
          previous.campaignId = a.campaignId;
          a.campaignId = campaignId;
        }
      }
      if (random() < 0.2) changes.category = pick(CATEGORIES);
      yield event(`activity-${a.id}`, 'ActivityCorrected', { activityId: a.id, changes, previous, reason: '人数更正' }, a.path[3]);
    } else if (roll < 0.90) {
      const a = recent();
      if (a.voided) continue;
      a.voided = true;
      yield event(`activity-${a.id}`, 'ActivityVoided', { activityId: a.id, reason: '重复录入' }, a.path[3]);
    } else if (roll < 0.965) {
      const village = pick(villages);
      const campaignId = random() < 0.6 ? pick(cityCampaigns) : `camp-county-${village.county}`;
      const money = random() < 0.8;
      const amount = 100 + Math.floor(random() * 2_000_000);
      const id = `don-${donations++}`;
      if (money) {
        balances.set(campaignId, balances.get(campaignId)! + amount);
        refundable.push({ id, campaignId, path: village.path, left: amount });
      }
      const items = money ? [] : pick(GOODS)(amount);
      if (!money) {
        stocked.push({ id, campaignId, path: village.path, items: items.map(({ description, unit, quantity }) => ({ description, unit, left: quantity })) });
      }
      yield event(`campaign-${campaignId}`, 'DonationReceived', {
        donationId: id, campaignId, orgUnitId: village.path[3], orgPath: village.path,
        donor: { name: '爱心人士', kind: 'individual', anonymous: false }, kind: money ? 'money' : 'goods', amount, receivedOn: day(),
        method: money ? 'wechat_pay' : null, reference: null, items,
      }, village.path[3]);
    } else if (roll < 0.972 && refundable.length > 0) {
      const donation = refundable[refundable.length - 1 - Math.floor(random() * Math.min(refundable.length, 500))];
      const amount = Math.min(donation.left, balances.get(donation.campaignId)!, 1 + Math.floor(random() * 50_000));
      if (amount <= 0) continue;
      donation.left -= amount;
      balances.set(donation.campaignId, balances.get(donation.campaignId)! - amount);
      yield event(`campaign-${donation.campaignId}`, 'DonationRefunded', {
        refundId: `ref-${emitted}`, donationId: donation.id, campaignId: donation.campaignId, orgUnitId: donation.path[3],
        orgPath: donation.path, kind: 'money', amount, refundedOn: day(), reason: '退款',
      }, donation.path[3]);
    } else if (roll >= 0.99 && stocked.length > 0) {
      const at = stocked.length - 1 - Math.floor(random() * Math.min(stocked.length, 200));
      const donation = stocked[at];
      const items = donation.items.flatMap((item, index) => {
        if (item.left === 0 || random() < 0.3) return [];
        const quantity = 1 + Math.floor(random() * item.left);
        item.left -= quantity;
        return [{ index, description: item.description, quantity, unit: item.unit }];
      });
      if (donation.items.every((item) => item.left === 0)) {
        stocked[at] = stocked[stocked.length - 1];
        stocked.pop();
      }
      if (items.length === 0) continue;
      yield event(`campaign-${donation.campaignId}`, 'GoodsDistributed', {
        distributionId: `dist-${emitted}`, donationId: donation.id, campaignId: donation.campaignId, orgUnitId: donation.path[3],
        orgPath: donation.path, recipient: { orgUnitId: donation.path[3] }, items, beneficiaries: Math.floor(random() * 30),
        distributedOn: new Date(clock).toISOString().slice(0, 10), notes: null,
      }, donation.path[3]);
    } else {
      const campaignId = pick([...balances.keys()]);
      const amount = Math.floor(balances.get(campaignId)! / 10);
      if (amount <= 0) continue;
      balances.set(campaignId, balances.get(campaignId)! - amount);
      const path = campaignId.startsWith('camp-city') ? pick(villages).path : villages[Number(campaignId.slice(12)) * 200].path;
      yield event(`campaign-${campaignId}`, 'FundsDisbursed', {
        disbursementId: `dis-${emitted}`, campaignId, orgUnitId: path[3], orgPath: path, amount, purpose: '慰问困难群众',
        paidOn: day(), beneficiaries: Math.floor(random() * 50), activityId: null,
      }, path[3]);
    }
  }
}

/** The synthetic ledger as recorded events, positions from 1. */
export function syntheticLog(count: number, seed?: number): RecordedEvent[] {
  let position = 0;
  return [...syntheticLedger(count, seed)].map((event) => ({ ...event, position: ++position }));
}
