import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import { ROLES, type Role } from '@tongxin/domain';
import { ID_PATTERN, Optional, Text } from '../http/validators';

export class IssueTokenDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  id?: string;

  /** Who or what holds it, e.g. "新营村信息员 阿依古丽" or "月报脚本". */
  @Text(200)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  /** The token acts on this org unit and everything under it. */
  @IsString() @Matches(ID_PATTERN)
  orgUnitId!: string;
}
