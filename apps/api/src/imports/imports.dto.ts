import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IMPORT_KINDS, type ImportKind } from '@tongxin/imports';
import { IsIn } from 'class-validator';
import { Optional } from '../http/validators';
import type { ImportMode } from './import.processor';

export const IMPORT_MODES: readonly ImportMode[] = ['all-or-nothing', 'valid-rows'];

/** POST /imports?kind=…&mode=… (the file itself is the multipart body's `file` part). */
export class StartImportQueryDto {
  @ApiProperty({ enum: IMPORT_KINDS })
  @IsIn(IMPORT_KINDS)
  kind!: ImportKind;

  /** all-or-nothing (default): any bad row and nothing is recorded; valid-rows: the good rows are recorded, the bad listed. */
  @ApiPropertyOptional({ enum: IMPORT_MODES, default: 'all-or-nothing' })
  @Optional() @IsIn(IMPORT_MODES)
  mode?: ImportMode;
}

export class TemplateQueryDto {
  @ApiPropertyOptional({ enum: ['zh-CN', 'en'], default: 'zh-CN' })
  @Optional() @IsIn(['zh-CN', 'en'])
  lang?: 'zh-CN' | 'en';
}
