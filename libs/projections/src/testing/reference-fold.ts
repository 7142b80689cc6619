/**
 * The ledger's current totals folded in plain JavaScript, with no database: an independent oracle for
 * the SQL projection in tests, and the "raw" baseline of the replay benchmark (same figures, same log).
 */
import { emptyFigures, type Figures } from '../types';

interface ActivityState { participants: number; beneficiaries: number; materials: number }
interface EntryState { volunteerId: string; minutes: number; verified: boolean }
/** A lot of a goods donation as distributions value it: A 分 over Q units, c of them handed out so far. */
interface Lot { amount: bigint; quantity: bigint; handedOut: bigint }

export class ReferenceFold {
  private readonly totals = emptyFigures();
  private readonly activities = new Map<string, ActivityState>();
  private readonly entries = new Map<string, EntryState>();
  /** Entries counted per volunteer, for distinct volunteers. */
  private readonly perVolunteer = new Map<string, number>();
  /** Goods donation → the lot of each item (undefined: not valued per unit). */
  private readonly goods = new Map<string, (Lot | undefined)[]>();

  apply(type: string, data: Record<string, any>): void {
    const t = this.totals;
    switch (type) {
      case 'ActivityRecorded': {
        const a = { participants: data.participants, beneficiaries: data.beneficiaries, materials: data.materialsDistributed };
        this.activities.set(data.activityId, a);
        this.addActivity(a, 1);
        return;
      }
      case 'ActivityCorrected': {
        const a = this.activities.get(data.activityId);
        if (!a) return;
        const c = data.changes;
        this.addActivity(a, -1);
        if (c.participants !== undefined) a.participants = c.participants;
        if (c.beneficiaries !== undefined) a.beneficiaries = c.beneficiaries;
        if (c.materialsDistributed !== undefined) a.materials = c.materialsDistributed;
        this.addActivity(a, 1);
        return;
      }
      case 'ActivityVoided': {
        const a = this.activities.get(data.activityId);
        if (!a) return;
        this.addActivity(a, -1);
        this.activities.delete(data.activityId);
        return;
      }
      case 'HoursLogged': {
        this.entries.set(`${data.volunteerId}/${data.entryId}`, { volunteerId: data.volunteerId, minutes: data.minutes, verified: false });
        t.volunteerParticipations += 1;
        t.volunteerMinutesLogged += data.minutes;
        this.perVolunteer.set(data.volunteerId, (this.perVolunteer.get(data.volunteerId) ?? 0) + 1);
        return;
      }
      case 'HoursVerified': {
        const e = this.entries.get(`${data.volunteerId}/${data.entryId}`);
        if (!e || e.verified) return;
        e.verified = true;
        t.volunteerMinutesVerified += e.minutes;
        return;
      }
      case 'HoursRejected': {
        const key = `${data.volunteerId}/${data.entryId}`;
        const e = this.entries.get(key);
        if (!e) return;
        this.entries.delete(key);
        t.volunteerParticipations -= 1;
        t.volunteerMinutesLogged -= e.minutes;
        if (e.verified) t.volunteerMinutesVerified -= e.minutes;
        this.perVolunteer.set(e.volunteerId, this.perVolunteer.get(e.volunteerId)! - 1);
        return;
      }
      case 'DonationReceived':
        if (data.kind === 'money') t.moneyReceived += data.amount;
        else t.goodsValueReceived += data.amount;
        t.donations += 1;
        if (data.kind === 'goods') this.goods.set(data.donationId, lotsOf(data.amount, data.items));
        return;
      case 'DonationRefunded':
        if (data.kind === 'money') t.moneyRefunded += data.amount;
        return;
      case 'FundsDisbursed':
        t.disbursed += data.amount;
        t.disbursementBeneficiaries += data.beneficiaries;
        return;
      case 'GoodsDistributed': {
        t.goodsDistributions += 1;
        t.distributionBeneficiaries += data.beneficiaries;
        const lots = this.goods.get(data.donationId);
        for (const item of data.items) {
          const lot = lots?.[item.index];
          if (!lot) continue;
          // Exact in BigInt: the first c units of a lot are worth ⌊A·c/Q⌋, each line the growth of that.
          const before = (lot.amount * lot.handedOut) / lot.quantity;
          lot.handedOut += BigInt(item.quantity);
          t.goodsDistributedValue += Number((lot.amount * lot.handedOut) / lot.quantity - before);
        }
        return;
      }
      default:
    }
  }

  result(): Figures {
    let distinct = 0;
    for (const count of this.perVolunteer.values()) if (count > 0) distinct += 1;
    const t = { ...this.totals, distinctVolunteers: distinct };
    t.fundsRaised = t.moneyReceived - t.moneyRefunded + t.goodsValueReceived;
    return t;
  }

  private addActivity(a: ActivityState, sign: 1 | -1): void {
    this.totals.activitiesHeld += sign;
    this.totals.participants += sign * a.participants;
    this.totals.beneficiaries += sign * a.beneficiaries;
    this.totals.materialsDistributed += sign * a.materials;
  }
}

/** Lines valued one by one are lots of their own; lines of one good (same description and unit) share one lot. */
function lotsOf(amount: number, items: { description: string; unit: string; quantity: number; value?: number }[]): (Lot | undefined)[] {
  if (items.length > 0 && items.every((item) => item.value !== undefined)) {
    return items.map((item) => ({ amount: BigInt(item.value!), quantity: BigInt(item.quantity), handedOut: 0n }));
  }
  if (items.length === 0 || !items.every((item) => item.description === items[0].description && item.unit === items[0].unit)) return [];
  const lot: Lot = { amount: BigInt(amount), quantity: items.reduce((total, item) => total + BigInt(item.quantity), 0n), handedOut: 0n };
  return items.map(() => lot);
}
