import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN, MultilineText, Optional } from '../http/validators';

/** POST /bank-statements?campaignId=… (the file itself is the multipart body's `file` part). */
export class BankStatementQueryDto {
  @ApiProperty({ description: 'The campaign whose receiving account the statement is of.' })
  @IsString() @Matches(ID_PATTERN)
  campaignId!: string;
}

/** GET /reconciliation?campaignId=… */
export class ReconciliationQueryDto {
  @ApiProperty()
  @IsString() @Matches(ID_PATTERN)
  campaignId!: string;

  @ApiPropertyOptional({ description: 'Accepted and always met: the answer is folded from the streams themselves.' })
  @Optional() @IsString()
  minPosition?: string;
}

export const MATCH_ACTIONS = ['match', 'unmatch'] as const;
export type MatchAction = (typeof MATCH_ACTIONS)[number];

/** The largest sheet row number a statement line can have (Excel's last row). */
const MAX_SHEET_ROW = 1_048_576;

/** POST /reconciliation/matches: an organiser pairs a bank line with a donation, or undoes a pair, saying why. */
export class ReconciliationMatchDto {
  @IsString() @Matches(ID_PATTERN)
  campaignId!: string;

  @IsString() @Matches(ID_PATTERN)
  statementId!: string;

  /** The line's row number in the statement file, as the reconciliation report lists it. */
  @IsInt() @Min(1) @Max(MAX_SHEET_ROW)
  line!: number;

  @IsString() @Matches(ID_PATTERN)
  donationId!: string;

  @ApiProperty({ enum: MATCH_ACTIONS })
  @IsIn(MATCH_ACTIONS)
  action!: MatchAction;

  @MultilineText(500)
  reason!: string;
}
