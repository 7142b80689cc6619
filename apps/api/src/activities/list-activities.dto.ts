import { IsString, Matches } from 'class-validator';
import { PickType } from '@nestjs/swagger';
import { Optional } from '../http/validators';
import { StatsQueryDto } from '../stats/stats-query.dto';

/** `before`: the previous page's `next`, `<occurredOn>_<position>` (the last row's date held and recording position). */
export const ACTIVITY_CURSOR = /^(\d{4}-\d{2}-\d{2})_(\d{1,15})$/;

/** `GET /activities`: the current activities under a unit (default: the caller's scope), newest held first. */
export class ListActivitiesQueryDto extends PickType(StatsQueryDto, ['orgUnitId', 'campaignId', 'from', 'to', 'asOf', 'minPosition'] as const) {
  /** 1–100, default 20. */
  @Optional() @IsString() @Matches(/^(100|[1-9]\d?)$/, { message: 'limit must be an integer from 1 to 100' })
  limit?: string;

  /** The previous page's `next`: activities after it in the order. */
  @Optional() @IsString() @Matches(ACTIVITY_CURSOR, { message: 'before must be a previous page\'s next (<YYYY-MM-DD>_<position>)' })
  before?: string;
}

/** One row of the list: the activity's current facts. */
export class ActivityListItemDto {
  id!: string;
  orgUnitId!: string;
  campaignId!: string | null;
  title!: string;
  category!: string;
  venueType!: string | null;
  /** YYYY-MM-DD. */
  occurredOn!: string;
  participants!: number;
  beneficiaries!: number;
  materialsDistributed!: number;
  /** The global position of the event that recorded it. */
  recordedPosition!: number;
}

export class ActivityListDto {
  activities!: ActivityListItemDto[];
  /** Pass as `before` for the next page; null on the last page. */
  next!: string | null;
  /** The last global position the list includes. */
  position!: number;
}
