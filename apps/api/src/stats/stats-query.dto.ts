import { ACTIVITY_CATEGORIES, VENUE_TYPES, type ActivityCategory, type VenueType } from '@tongxin/domain';
import { IsIn, IsString, Matches } from 'class-validator';
import { ID_PATTERN, IsCalendarDate, IsInstant, Optional } from '../http/validators';

export const BREAKDOWN_DIMENSIONS = ['orgUnit', 'campaign', 'category', 'venueType', 'month'] as const;
export type BreakdownBy = (typeof BREAKDOWN_DIMENSIONS)[number];

/** Query-string filters of §5; query values arrive as strings and are checked as such. */
export class StatsQueryDto {
  /** That unit and everything under it. */
  @Optional() @IsString() @Matches(ID_PATTERN)
  orgUnitId?: string;

  @Optional() @IsString() @Matches(ID_PATTERN)
  campaignId?: string;

  /** Inclusive, on each fact's own date (occurredOn / servedOn / receivedOn / refundedOn / paidOn). */
  @Optional() @IsCalendarDate()
  from?: string;

  @Optional() @IsCalendarDate()
  to?: string;

  /** Applies to activity figures only; other figures ignore it. */
  @Optional() @IsIn(ACTIVITY_CATEGORIES)
  category?: ActivityCategory;

  @Optional() @IsIn(VENUE_TYPES)
  venueType?: VenueType;

  /** The figures as the ledger knew them at this instant (events recorded up to it). */
  @Optional() @IsInstant()
  asOf?: string;

  /** Answer only once the read model includes this global position (read-your-writes). */
  @Optional() @IsString() @Matches(/^\d{1,15}$/, { message: 'minPosition must be a non-negative integer' })
  minPosition?: string;
}

export class BreakdownQueryDto extends StatsQueryDto {
  @IsIn(BREAKDOWN_DIMENSIONS)
  by!: BreakdownBy;
}
