import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTIVITY_CATEGORIES, VENUE_TYPES, type ActivityCategory, type VenueType } from '@tongxin/domain';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN, IsCalendarDate, MAX_COUNT, MultilineText, Nullable, Optional, Text } from '../http/validators';

export class RecordActivityDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  id?: string;

  @IsString() @Matches(ID_PATTERN)
  orgUnitId!: string;

  @Optional() @IsString() @Matches(ID_PATTERN)
  campaignId?: string;

  @Text(200)
  title!: string;

  @ApiProperty({ enum: ACTIVITY_CATEGORIES })
  @IsIn(ACTIVITY_CATEGORIES)
  category!: ActivityCategory;

  /** Where it was held: the "进…" places. */
  @ApiPropertyOptional({ enum: VENUE_TYPES })
  @Optional() @IsIn(VENUE_TYPES)
  venueType?: VenueType;

  @IsCalendarDate()
  occurredOn!: string;

  /** People who took part (人次). */
  @IsInt() @Min(0) @Max(MAX_COUNT)
  participants!: number;

  @Optional() @IsInt() @Min(0) @Max(MAX_COUNT)
  beneficiaries?: number;

  @Optional() @IsInt() @Min(0) @Max(MAX_COUNT)
  materialsDistributed?: number;

  @Optional() @MultilineText(500)
  location?: string;

  @Optional() @MultilineText(500)
  notes?: string;
}

/** Any of the facts, with a required reason; `campaignId` or `venueType` null clears them. */
export class CorrectActivityDto {
  @Optional() @Text(200)
  title?: string;

  @ApiPropertyOptional({ enum: ACTIVITY_CATEGORIES })
  @Optional() @IsIn(ACTIVITY_CATEGORIES)
  category?: ActivityCategory;

  @ApiPropertyOptional({ enum: VENUE_TYPES, nullable: true })
  @Nullable() @IsIn(VENUE_TYPES)
  venueType?: VenueType | null;

  @Optional() @IsCalendarDate()
  occurredOn?: string;

  @Optional() @IsInt() @Min(0) @Max(MAX_COUNT)
  participants?: number;

  @Optional() @IsInt() @Min(0) @Max(MAX_COUNT)
  beneficiaries?: number;

  @Optional() @IsInt() @Min(0) @Max(MAX_COUNT)
  materialsDistributed?: number;

  @Nullable() @IsString() @Matches(ID_PATTERN)
  campaignId?: string | null;

  @MultilineText(500)
  reason!: string;
}

export class ReasonDto {
  @MultilineText(500)
  reason!: string;
}
