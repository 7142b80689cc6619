import { IsString, Matches } from 'class-validator';
import { ID_PATTERN, IsCalendarDate, Optional, Text } from '../http/validators';

export class LaunchCampaignDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  id?: string;

  @Text(200)
  name!: string;

  /** The unit running the campaign; its activities and money are recorded in this unit's subtree. */
  @IsString() @Matches(ID_PATTERN)
  orgUnitId!: string;

  @Optional() @IsCalendarDate()
  startsOn?: string;

  @Optional() @IsCalendarDate()
  endsOn?: string;
}
