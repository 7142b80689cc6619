/** The shapes the read model answers with (CONTRACT §5). Money in 分, counts as integers. */
import type { ActivityCategory, VenueType } from '@tongxin/domain';

export interface Totals {
  activitiesHeld: number;
  participants: number;
  beneficiaries: number;
  materialsDistributed: number;
  volunteerParticipations: number;
  volunteerMinutesLogged: number;
  volunteerMinutesVerified: number;
  distinctVolunteers: number;
  moneyReceived: number;
  moneyRefunded: number;
  goodsValueReceived: number;
  fundsRaised: number;
  disbursed: number;
  donations: number;
  /** Beneficiaries named on disbursements (an addition to §5; not part of `beneficiaries`). */
  disbursementBeneficiaries: number;
  /** Distributions of donated goods (GoodsDistributed), counted under the recipient's unit on `distributedOn`. */
  goodsDistributions: number;
  /**
   * What the goods handed out were worth, in 分, where the donation gives a value per unit (README: figure rules);
   * goods of a donation that gives none add nothing here.
   */
  goodsDistributedValue: number;
  /** People reached by distributions (not part of `beneficiaries`, which sums activities' values). */
  distributionBeneficiaries: number;
  /** The read model's checkpoint: the last global position the answer includes. */
  position: number;
}

export interface TotalsFilter {
  /** That unit's whole subtree; absent: everything. */
  orgUnitId?: string;
  campaignId?: string;
  /** Inclusive `YYYY-MM-DD` bounds on each fact's own date. */
  from?: string;
  to?: string;
  /** Activity figures only; every other figure ignores it. */
  category?: ActivityCategory | string;
  /** Activity figures only; every other figure ignores it. */
  venueType?: VenueType | string;
  /** An instant: the figures as known from events recorded at or before it. */
  asOf?: string;
}

/** `goodsUnit`: the unit goods were handed out in (袋, 床 …); its rows carry `goodsQuantity`. */
export const BREAKDOWN_DIMENSIONS = ['orgUnit', 'campaign', 'category', 'venueType', 'month', 'goodsUnit'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export type Figures = Omit<Totals, 'position'>;

export interface BreakdownRow extends Figures {
  /** Org unit id, campaign id, category, venue type, `YYYY-MM` or goods unit; null for figures without the dimension. */
  key: string | null;
  label: string;
  /** By `goodsUnit` only: how many of that unit were handed out (quantities of different units never add up). */
  goodsQuantity?: number;
}

export interface Breakdown {
  rows: BreakdownRow[];
  position: number;
}

export interface OrgUnitView {
  id: string;
  name: string;
  level: string;
  parentId: string | null;
  code: string | null;
  /** Root … id. */
  path: string[];
  children: string[];
}

export function emptyFigures(): Figures {
  return {
    activitiesHeld: 0, participants: 0, beneficiaries: 0, materialsDistributed: 0,
    volunteerParticipations: 0, volunteerMinutesLogged: 0, volunteerMinutesVerified: 0, distinctVolunteers: 0,
    moneyReceived: 0, moneyRefunded: 0, goodsValueReceived: 0, fundsRaised: 0, disbursed: 0, donations: 0,
    disbursementBeneficiaries: 0, goodsDistributions: 0, goodsDistributedValue: 0, distributionBeneficiaries: 0,
  };
}
