import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiPayloadTooLargeResponse, ApiProduces, ApiTags,
} from '@nestjs/swagger';
import { fileHash, isImportKind, MAX_SHEET_ROWS, MAX_UNPACKED_BYTES, templateXlsx, XLSX_CONTENT_TYPE } from '@tongxin/imports';
import type { JobQueue } from '@tongxin/jobs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { forbidden } from '../auth/access';
import { Allow, CurrentPrincipal, EVERY_ROLE, ORGANISING_ROLES, RECORDING_ROLES, type Principal } from '../auth/principal';
import { Scope } from '../auth/scope';
import { API_PREFIX } from '../http/api-prefix';
import { problem, ProblemException } from '../http/problem';
import { JOB_QUEUE } from '../jobs/tokens';
import type { ImportPayload } from './import.processor';
import { StartImportQueryDto, TemplateQueryDto } from './imports.dto';
import { refusedSheetOfJob } from './refused-sheet';
import { UPLOAD_TOO_LARGE, uploadedSheet } from './uploaded-sheet';

export { MAX_IMPORT_FILE_BYTES } from './uploaded-sheet';

/** The template's file name: Chinese for the Chinese template, as staff save and send it on. */
const TEMPLATE_NAMES: Record<string, string> = {
  activities: '活动导入模板', volunteers: '志愿者导入模板', hours: '服务时长导入模板', donations: '捐赠导入模板',
};

/** RFC 6266: an ASCII `filename` for old clients and the real name as RFC 8187 `filename*`. */
export function attachment(asciiName: string, name: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(@Inject(JOB_QUEUE) private readonly jobs: JobQueue, private readonly scope: Scope) {}

  @Post()
  @HttpCode(202)
  @Allow(...RECORDING_ROLES)
  @ApiOperation({
    summary: 'Import a spreadsheet (XLSX, XLS, ODS or CSV) of activities, volunteers, hours or donations as a background job',
    description: 'Send the file as the multipart part `file`. Every row is checked with the same rules as the API, and '
      + 'its org unit against your scope; with mode=all-or-nothing (the default) one bad row records nothing and the job '
      + 'fails listing every problem of every bad row, by row and column; with mode=valid-rows the good rows are recorded and the bad ones listed. '
      + 'Messages are in the language of the file\'s headers (Chinese or English; Accept-Language when they tell none). '
      + 'The refused rows download as GET /api/v1/imports/{jobId}/refused.xlsx (the job names it as refusedSheet.url). '
      + `A workbook that unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MiB answers 413 SHEET_TOO_LARGE; a sheet of more than `
      + `${MAX_SHEET_ROWS.toLocaleString('en')} data rows fails its job with SHEET_TOO_LARGE. `
      + 'Each row is recorded with an Idempotency-Key made of the file\'s SHA-256 and its row number, so the same file '
      + 'sent again records nothing twice. Donations need the organiser or admin role. Poll GET /api/v1/jobs/{id}.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiAcceptedResponse({ description: '`{ id, created, state }`: the job (created false: this file was sent before; that job answers).' })
  @ApiPayloadTooLargeResponse({ description: UPLOAD_TOO_LARGE })
  async start(
    @Query() query: StartImportQueryDto, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: string; created: boolean; state: string }> {
    if (query.kind === 'donations' && !ORGANISING_ROLES.includes(principal.role)) {
      throw forbidden(`The ${principal.role} role may not record donations; it needs one of: ${ORGANISING_ROLES.join(', ')}.`);
    }
    const { buffer, fileName, format, language } = await uploadedSheet(request);
    const mode = query.mode ?? 'all-or-nothing';
    const hash = fileHash(buffer);
    const payload: ImportPayload = { kind: query.kind, format, mode, fileName, hash, file: buffer.toString('base64'), principal, language };
    // One job per file, kind, mode and uploader: the same upload again answers that job. Hashed to stay a short path segment.
    const jobId = `import-${query.kind}-${createHash('sha256').update(`${hash}\n${mode}\n${principal.tokenId}`).digest('hex').slice(0, 32)}`;
    const { id, created } = await this.jobs.enqueue('import', jobId, payload, { actor: principal.tokenId, orgUnitId: principal.scopeOrgUnitId });
    const job = await this.jobs.get(id);
    reply.header('location', `/${API_PREFIX}/jobs/${encodeURIComponent(id)}`);
    return { id, created, state: job?.state ?? 'queued' };
  }

  @Get('templates/:file')
  @Allow(...EVERY_ROLE)
  @ApiOperation({
    summary: 'The XLSX template of a kind (activities.xlsx, volunteers.xlsx, hours.xlsx, donations.xlsx), Chinese headers by default',
    description: 'Saved as e.g. 活动导入模板.xlsx (lang=zh-CN) or activities-en.xlsx (lang=en): Content-Disposition carries both filename and filename*.',
  })
  @ApiParam({ name: 'file', enum: ['activities.xlsx', 'volunteers.xlsx', 'hours.xlsx', 'donations.xlsx'] })
  @ApiProduces(XLSX_CONTENT_TYPE)
  async template(@Param('file') file: string, @Query() query: TemplateQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const kind = file.replace(/\.xlsx$/, '');
    if (!file.endsWith('.xlsx') || !isImportKind(kind)) {
      throw new ProblemException(problem(404, `No template is named ${file}; there are activities.xlsx, volunteers.xlsx, hours.xlsx and donations.xlsx.`, { code: 'NOT_FOUND' }));
    }
    const lang = query.lang ?? 'zh-CN';
    reply.header('content-type', XLSX_CONTENT_TYPE);
    reply.header('content-disposition', lang === 'en'
      ? attachment(`${kind}-en.xlsx`, `${kind}-en.xlsx`)
      : attachment(`${kind}.xlsx`, `${TEMPLATE_NAMES[kind]}.xlsx`));
    return templateXlsx(kind, lang);
  }

  @Get(':jobId/refused.xlsx')
  @Allow(...EVERY_ROLE)
  @ApiOperation({
    summary: 'The rows an import refused, as a sheet: the file\'s columns, then the row number in the file and every error of the row',
    description: 'For an import job that refused rows (failed in all-or-nothing mode, or finished in valid-rows mode); the job view names '
      + 'it as refusedSheet.url. Fix the rows there and upload the sheet again: the two added columns are ignored. Readable by whoever may '
      + 'read the job; 404 when the job refused no rows.',
  })
  @ApiParam({ name: 'jobId', description: 'The import job\'s id.' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  async refused(@Param('jobId') jobId: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const job = await this.jobs.get(jobId);
    if (!job || !jobId.startsWith('import-')) throw new ProblemException(problem(404, `No import job has the id ${jobId}.`, { code: 'NOT_FOUND' }));
    await this.scope.requireUnit(principal, job.orgUnitId);
    const sheet = refusedSheetOfJob(job);
    if (!sheet) throw new ProblemException(problem(404, `Import job ${jobId} refused no rows.`, { code: 'NOT_FOUND' }));
    reply.header('content-type', XLSX_CONTENT_TYPE);
    const name = sheet.language === 'zh-CN' ? '未导入的行' : 'refused-rows';
    reply.header('content-disposition', attachment(`refused-rows-${jobId.slice(-8)}.xlsx`, `${name}-${jobId.slice(-8)}.xlsx`));
    return Buffer.from(sheet.xlsx, 'base64');
  }
}

