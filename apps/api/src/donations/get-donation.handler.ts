import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  DomainError, itemBalances, type DistributedItem, type DonatedItemBalance, type DonationKind, type DonationReceived,
  type DonationRefunded, type DonorKind, type GoodsDistributed, type GoodsRecipient, type PaymentMethod,
} from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import { isErased } from '@tongxin/privacy';
import { requireScope } from '../auth/access';
import type { Principal } from '../auth/principal';
import { CommandExecutor } from '../ledger/command-executor';
import { campaignWithDonationEvents, readEventsAt } from '../ledger/donation-events';
import { SEES_DONOR_NAMES } from '../ledger/event-view';
import { EVENT_STORE } from '../ledger/tokens';
import { donationKey } from './receive-donation.handler';

export interface RefundView {
  refundId: string; amount: number; refundedOn: string; reason: string; recordedAt: string; position: number;
}

export interface DistributionView {
  distributionId: string; recipient: GoodsRecipient;
  /** Where it counts: the recipient unit, or the recipient activity's unit. */
  orgUnitId: string;
  items: DistributedItem[]; beneficiaries: number; distributedOn: string; notes: string | null;
  recordedAt: string; position: number;
}

export interface DonationView {
  id: string; campaignId: string; orgUnitId: string; path: string[];
  /** The campaign stream the donation lives on, and its revision as read. */
  streamId: string; revision: number;
  kind: DonationKind;
  /** 分; for goods, the assessed value. */
  amount: number; refunded: number; receivedOn: string; method: PaymentMethod | null; reference: string | null;
  /** `name` is null for anonymous donors, for roles that do not see donor names, and once the donor was erased. */
  donor: { name: string | null; kind: DonorKind; anonymous: boolean; erased: boolean };
  refunds: RefundView[];
  /** Goods: per item, received, handed on and what is left; empty for money. */
  items: DonatedItemBalance[];
  distributions: DistributionView[];
}

export class GetDonationQuery extends Query<DonationView> {
  constructor(readonly id: string, readonly principal: Principal) {
    super();
  }
}

/**
 * From the campaign's kept state (only events since the last read are folded) and the donation's own events, read
 * through the sealing store like every read of a donor's name: an erasure shows at once.
 */
@QueryHandler(GetDonationQuery)
export class GetDonationHandler implements IQueryHandler<GetDonationQuery> {
  constructor(private readonly executor: CommandExecutor, @Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ id, principal }: GetDonationQuery): Promise<DonationView> {
    const streamId = await this.store.lookupUniqueKey(donationKey(id));
    const kept = streamId ? await this.executor.kept(streamId, campaignWithDonationEvents) : undefined;
    const donation = kept?.state.campaign.donations.get(id);
    // As for every read: an unknown donation is out of any scoped caller's scope, so it cannot be probed.
    requireScope(principal, donation ? donation.orgPath : null);
    if (!kept || !donation) throw new DomainError('NOT_FOUND', `donation ${id} does not exist`);
    const events = await readEventsAt(this.store, streamId as string, kept.state.eventsOf.get(id) ?? []);
    const received = events.find((event) => event.type === 'DonationReceived');
    const donor = received?.data.donor as DonationReceived['data']['donor'] | undefined;
    const showsName = !donation.donor.anonymous && SEES_DONOR_NAMES.includes(principal.role);
    return {
      id, campaignId: kept.state.campaign.campaignId, orgUnitId: donation.orgUnitId, path: donation.orgPath,
      streamId: streamId as string, revision: kept.revision,
      kind: donation.kind, amount: donation.amount, refunded: donation.refunded, receivedOn: donation.receivedOn,
      method: donation.method, reference: donation.reference,
      donor: {
        name: showsName ? (donor?.name ?? null) : null, kind: donation.donor.kind, anonymous: donation.donor.anonymous,
        erased: received ? isErased(received.data) : false,
      },
      refunds: events.filter((event) => event.type === 'DonationRefunded').map((event) => {
        const data = event.data as DonationRefunded['data'];
        return {
          refundId: data.refundId, amount: data.amount, refundedOn: data.refundedOn, reason: data.reason,
          recordedAt: event.recordedAt, position: event.position,
        };
      }),
      items: itemBalances(donation),
      distributions: events.filter((event) => event.type === 'GoodsDistributed').map((event) => {
        const data = event.data as GoodsDistributed['data'];
        return {
          distributionId: data.distributionId, recipient: data.recipient, orgUnitId: data.orgUnitId, items: data.items,
          beneficiaries: data.beneficiaries, distributedOn: data.distributedOn, notes: data.notes,
          recordedAt: event.recordedAt, position: event.position,
        };
      }),
    };
  }
}
