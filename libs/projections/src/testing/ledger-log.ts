/** Builds a recorded log by hand for Given/When/Then projection tests: positions from 1, a clock you set. */
import type {
  ActivityFacts, ActivityRecorded, DonatedItem, DonationKind, LedgerEvent, OrgUnitLevel,
} from '@tongxin/domain';
import type { RecordedEvent } from '../../../event-store/src/event-store';

type ActivityInput = Partial<ActivityFacts> & { orgUnitId: string };

export class LedgerLog {
  readonly events: RecordedEvent[] = [];
  private clock = Date.parse('2024-05-01T00:00:00.000Z');
  private readonly paths = new Map<string, string[]>();
  private readonly activities = new Map<string, { orgUnitId: string; campaignId: string | null }>();
  private readonly volunteers = new Map<string, string>();
  private readonly donations = new Map<string, { campaignId: string; orgUnitId: string; kind: DonationKind; items: DonatedItem[] }>();

  /** Later events are recorded from this instant on, one second apart. */
  at(instant: string): this {
    this.clock = Date.parse(instant);
    return this;
  }

  /** The instant the last event was recorded at. */
  get lastRecordedAt(): string {
    return this.events[this.events.length - 1].recordedAt;
  }

  get head(): number {
    return this.events.length;
  }

  append(event: LedgerEvent | { type: string; data: Record<string, unknown> }, streamId = 'test'): RecordedEvent {
    const recorded: RecordedEvent = {
      position: this.events.length + 1, streamId, revision: 0, type: event.type,
      data: event.data as unknown as Record<string, unknown>,
      metadata: { actor: 'test', commandId: `c${this.events.length + 1}`, correlationId: 'test', orgUnitId: 'x', schemaVersion: 1 },
      recordedAt: new Date(this.clock).toISOString(),
    };
    this.clock += 1000;
    this.events.push(recorded);
    return recorded;
  }

  orgUnit(id: string, name: string, level: OrgUnitLevel, parentId: string | null = null): this {
    const orgPath = [...(parentId ? this.paths.get(parentId)! : []), id];
    this.paths.set(id, orgPath);
    this.append({ type: 'OrgUnitRegistered', data: { orgUnitId: id, name, level, parentId, code: null, orgPath } });
    return this;
  }

  campaign(id: string, name: string, orgUnitId: string): this {
    this.append({ type: 'CampaignLaunched', data: { campaignId: id, name, orgUnitId, orgPath: this.path(orgUnitId), startsOn: null, endsOn: null } });
    return this;
  }

  activity(id: string, input: ActivityInput): this {
    const data: ActivityRecorded['data'] = {
      activityId: id, orgUnitId: input.orgUnitId, orgPath: this.path(input.orgUnitId), campaignId: input.campaignId ?? null,
      title: input.title ?? id, category: input.category ?? 'lecture', venueType: input.venueType ?? null,
      occurredOn: input.occurredOn ?? '2024-03-01', participants: input.participants ?? 0,
      beneficiaries: input.beneficiaries ?? 0, materialsDistributed: input.materialsDistributed ?? 0,
      location: null, notes: null,
    };
    this.activities.set(id, { orgUnitId: input.orgUnitId, campaignId: data.campaignId });
    this.append({ type: 'ActivityRecorded', data });
    return this;
  }

  correct(activityId: string, changes: Partial<ActivityFacts>): this {
    const activity = this.activities.get(activityId)!;
    if (changes.campaignId !== undefined) activity.campaignId = changes.campaignId;
    this.append({ type: 'ActivityCorrected', data: { activityId, changes, previous: {}, reason: 'test' } });
    return this;
  }

  void(activityId: string): this {
    this.append({ type: 'ActivityVoided', data: { activityId, reason: 'test' } });
    return this;
  }

  volunteer(id: string, orgUnitId: string): this {
    this.volunteers.set(id, orgUnitId);
    this.append({ type: 'VolunteerRegistered', data: { volunteerId: id, orgUnitId, orgPath: this.path(orgUnitId), name: id, phone: null } });
    return this;
  }

  hours(volunteerId: string, entryId: string, minutes: number, servedOn: string, activityId: string | null = null): this {
    const activity = activityId ? this.activities.get(activityId)! : undefined;
    const orgUnitId = activity ? activity.orgUnitId : this.volunteers.get(volunteerId)!;
    this.append({
      type: 'HoursLogged',
      data: {
        volunteerId, entryId, activityId, orgUnitId, orgPath: this.path(orgUnitId),
        campaignId: activity ? activity.campaignId : null, servedOn, minutes, description: null,
      },
    });
    return this;
  }

  verify(volunteerId: string, entryId: string, reason?: string): this {
    this.append({ type: 'HoursVerified', data: reason === undefined ? { volunteerId, entryId } : { volunteerId, entryId, reason } });
    return this;
  }

  lock(month: string, orgUnitId: string, reason: string | null = null): this {
    this.append({ type: 'PeriodLocked', data: { month, orgUnitId, orgPath: this.path(orgUnitId), reason } });
    return this;
  }

  reject(volunteerId: string, entryId: string): this {
    this.append({ type: 'HoursRejected', data: { volunteerId, entryId, reason: 'test' } });
    return this;
  }

  donate(
    id: string, campaignId: string, orgUnitId: string, kind: DonationKind, amount: number, receivedOn: string,
    items: DonatedItem[] = kind === 'goods' ? [{ description: 'rice', quantity: 10, unit: 'bag' }] : [],
  ): this {
    this.donations.set(id, { campaignId, orgUnitId, kind, items });
    this.append({
      type: 'DonationReceived',
      data: {
        donationId: id, campaignId, orgUnitId, orgPath: this.path(orgUnitId), donor: { name: 'd', kind: 'individual', anonymous: false },
        kind, amount, receivedOn, method: kind === 'money' ? 'bank_transfer' : null, reference: null,
        items,
      },
    });
    return this;
  }

  refund(refundId: string, donationId: string, amount: number, refundedOn: string): this {
    const donation = this.donations.get(donationId)!;
    this.append({
      type: 'DonationRefunded',
      data: {
        refundId, donationId, campaignId: donation.campaignId, orgUnitId: donation.orgUnitId,
        orgPath: this.path(donation.orgUnitId), kind: donation.kind, amount, refundedOn, reason: 'test',
      },
    });
    return this;
  }

  disburse(id: string, campaignId: string, orgUnitId: string, amount: number, paidOn: string, beneficiaries = 0): this {
    this.append({
      type: 'FundsDisbursed',
      data: { disbursementId: id, campaignId, orgUnitId, orgPath: this.path(orgUnitId), amount, purpose: 'test', paidOn, beneficiaries, activityId: null },
    });
    return this;
  }

  /** Hands on `quantities` (by item index) of goods donation `donationId` to `orgUnitId`, counted there. */
  distribute(
    id: string, donationId: string, orgUnitId: string, quantities: Record<number, number>, distributedOn: string, beneficiaries = 0,
  ): this {
    const donation = this.donations.get(donationId)!;
    const items = Object.entries(quantities).map(([index, quantity]) => {
      const { description, unit } = donation.items[Number(index)];
      return { index: Number(index), description, quantity, unit };
    });
    this.append({
      type: 'GoodsDistributed',
      data: {
        distributionId: id, donationId, campaignId: donation.campaignId, orgUnitId, orgPath: this.path(orgUnitId),
        recipient: { orgUnitId }, items, beneficiaries, distributedOn, notes: null,
      },
    });
    return this;
  }

  private path(orgUnitId: string): string[] {
    const path = this.paths.get(orgUnitId);
    if (!path) throw new Error(`unknown org unit ${orgUnitId} in test log`);
    return path;
  }
}
