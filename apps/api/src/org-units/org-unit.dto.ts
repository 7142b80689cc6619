import { ApiProperty } from '@nestjs/swagger';
import { ORG_UNIT_LEVELS, type OrgUnitLevel } from '@tongxin/domain';
import { IsIn, IsString, Matches } from 'class-validator';
import { ID_PATTERN, Optional, Text } from '../http/validators';

export class RegisterOrgUnitDto {
  /** Client-made id, so offline clients can refer to it before it syncs. */
  @Optional() @IsString() @Matches(ID_PATTERN)
  id?: string;

  @Text(200)
  name!: string;

  @ApiProperty({ enum: ORG_UNIT_LEVELS })
  @IsIn(ORG_UNIT_LEVELS)
  level!: OrgUnitLevel;

  /** Absent only for a root unit. */
  @Optional() @IsString() @Matches(ID_PATTERN)
  parentId?: string;

  /** Administrative division code (行政区划代码). */
  @Optional() @IsString() @Matches(/^[0-9A-Za-z]{1,20}$/)
  code?: string;
}
