import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN, IsCalendarDate, MultilineText, Optional, Text } from '../http/validators';

export class RegisterVolunteerDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  id?: string;

  @IsString() @Matches(ID_PATTERN)
  orgUnitId!: string;

  @Text(200)
  name!: string;

  /** Mainland mobile or landline digits, optionally with +86 and separators. */
  @Optional() @IsString() @Matches(/^\+?[0-9][0-9 -]{4,30}$/, { message: 'phone must be a phone number (digits, spaces, dashes, optional +)' })
  phone?: string;
}

/** A verification needs a reason only when the entry lies in a locked month; the reason is then recorded. */
export class VerifyHoursDto {
  @Optional() @MultilineText(500)
  reason?: string;
}

export class LogHoursDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  entryId?: string;

  /** The activity served; the entry then counts under its org unit and campaign. */
  @Optional() @IsString() @Matches(ID_PATTERN)
  activityId?: string;

  @IsCalendarDate()
  servedOn!: string;

  @IsInt() @Min(1) @Max(1440)
  minutes!: number;

  @Optional() @MultilineText(500)
  description?: string;
}
