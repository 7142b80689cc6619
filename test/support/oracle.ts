/**
 * An independent, deliberately naive model of CONTRACT §5 for end-to-end checks: every fact kept in
 * plain arrays, every figure recomputed from scratch. The read model must agree with it exactly.
 */
export interface FactRow {
  kind: 'activity' | 'hour' | 'donation' | 'refund' | 'disbursement';
  orgPath: string[];
  campaignId: string | null;
  category: string | null;
  venueType: string | null;
  date: string;
  participants?: number;
  beneficiaries?: number;
  materialsDistributed?: number;
  volunteerId?: string;
  minutes?: number;
  verified?: boolean;
  donationKind?: 'money' | 'goods';
  amount?: number;
}

export interface Filter {
  orgUnitId?: string;
  campaignId?: string;
  from?: string;
  to?: string;
  category?: string;
  venueType?: string;
}

export const FIGURES = [
  'activitiesHeld', 'participants', 'beneficiaries', 'materialsDistributed', 'volunteerParticipations',
  'volunteerMinutesLogged', 'volunteerMinutesVerified', 'distinctVolunteers', 'moneyReceived', 'moneyRefunded',
  'goodsValueReceived', 'fundsRaised', 'disbursed', 'donations',
] as const;
export type Figures = Record<(typeof FIGURES)[number], number>;

export function matches(row: FactRow, filter: Filter): boolean {
  if (filter.orgUnitId && !row.orgPath.includes(filter.orgUnitId)) return false;
  if (filter.campaignId && row.campaignId !== filter.campaignId) return false;
  if (filter.from && row.date < filter.from) return false;
  if (filter.to && row.date > filter.to) return false;
  // Category and venue type exist on activities only; other figures ignore those filters.
  if (row.kind === 'activity' && filter.category && row.category !== filter.category) return false;
  if (row.kind === 'activity' && filter.venueType && row.venueType !== filter.venueType) return false;
  return true;
}

export function figures(rows: FactRow[]): Figures {
  const out = Object.fromEntries(FIGURES.map((f) => [f, 0])) as Figures;
  const volunteers = new Set<string>();
  for (const row of rows) {
    switch (row.kind) {
      case 'activity':
        out.activitiesHeld += 1;
        out.participants += row.participants!;
        out.beneficiaries += row.beneficiaries!;
        out.materialsDistributed += row.materialsDistributed!;
        break;
      case 'hour':
        out.volunteerParticipations += 1;
        out.volunteerMinutesLogged += row.minutes!;
        if (row.verified) out.volunteerMinutesVerified += row.minutes!;
        volunteers.add(row.volunteerId!);
        break;
      case 'donation':
        out.donations += 1;
        if (row.donationKind === 'money') out.moneyReceived += row.amount!;
        else out.goodsValueReceived += row.amount!;
        break;
      case 'refund':
        out.moneyRefunded += row.amount!;
        break;
      case 'disbursement':
        out.disbursed += row.amount!;
        break;
    }
  }
  out.distinctVolunteers = volunteers.size;
  out.fundsRaised = out.moneyReceived - out.moneyRefunded + out.goodsValueReceived;
  return out;
}

export function totals(rows: FactRow[], filter: Filter = {}): Figures {
  return figures(rows.filter((r) => matches(r, filter)));
}

/** Rows keyed as the API keys them; figures without the dimension land under the null key. */
export function breakdown(rows: FactRow[], by: string, filter: Filter = {}): Map<string | null, Figures> {
  const groups = new Map<string | null, FactRow[]>();
  for (const row of rows.filter((r) => matches(r, filter))) {
    let key: string | null;
    if (by === 'orgUnit') {
      const at = filter.orgUnitId ? row.orgPath.indexOf(filter.orgUnitId) : -1;
      key = row.orgPath[at + 1] ?? row.orgPath[at];
    } else if (by === 'campaign') key = row.campaignId;
    else if (by === 'category') key = row.kind === 'activity' ? row.category : null;
    else if (by === 'venueType') key = row.kind === 'activity' ? row.venueType : null;
    else key = row.date.slice(0, 7);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return new Map([...groups].map(([k, v]) => [k, figures(v)]));
}
