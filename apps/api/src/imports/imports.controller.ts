import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiTags,
} from '@nestjs/swagger';
import { fileHash, isImportKind, templateXlsx, XLSX_CONTENT_TYPE } from '@tongxin/imports';
import type { JobQueue } from '@tongxin/jobs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { forbidden } from '../auth/access';
import { Allow, CurrentPrincipal, EVERY_ROLE, ORGANISING_ROLES, RECORDING_ROLES, type Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { problem, ProblemException } from '../http/problem';
import { JOB_QUEUE } from '../jobs/tokens';
import type { ImportPayload } from './import.processor';
import { StartImportQueryDto, TemplateQueryDto } from './imports.dto';
import { uploadedSheet } from './uploaded-sheet';

export { MAX_IMPORT_FILE_BYTES } from './uploaded-sheet';


@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(@Inject(JOB_QUEUE) private readonly jobs: JobQueue) {}

  @Post()
  @HttpCode(202)
  @Allow(...RECORDING_ROLES)
  @ApiOperation({
    summary: 'Import a spreadsheet (XLSX or CSV) of activities, volunteers, hours or donations as a background job',
    description: 'Send the file as the multipart part `file`. Every row is checked with the same rules as the API, and '
      + 'its org unit against your scope; with mode=all-or-nothing (the default) one bad row records nothing and the job '
      + 'fails listing every bad row and column; with mode=valid-rows the good rows are recorded and the bad ones listed. '
      + 'Each row is recorded with an Idempotency-Key made of the file\'s SHA-256 and its row number, so the same file '
      + 'sent again records nothing twice. Donations need the organiser or admin role. Poll GET /api/v1/jobs/{id}.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiAcceptedResponse({ description: '`{ id, created, state }`: the job (created false: this file was sent before; that job answers).' })
  async start(
    @Query() query: StartImportQueryDto, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: string; created: boolean; state: string }> {
    if (query.kind === 'donations' && !ORGANISING_ROLES.includes(principal.role)) {
      throw forbidden(`The ${principal.role} role may not record donations; it needs one of: ${ORGANISING_ROLES.join(', ')}.`);
    }
    const { buffer, fileName, format } = await uploadedSheet(request);
    const mode = query.mode ?? 'all-or-nothing';
    const hash = fileHash(buffer);
    const payload: ImportPayload = { kind: query.kind, format, mode, fileName, hash, file: buffer.toString('base64'), principal };
    // One job per file, kind, mode and uploader: the same upload again answers that job. Hashed to stay a short path segment.
    const jobId = `import-${query.kind}-${createHash('sha256').update(`${hash}\n${mode}\n${principal.tokenId}`).digest('hex').slice(0, 32)}`;
    const { id, created } = await this.jobs.enqueue('import', jobId, payload, { actor: principal.tokenId, orgUnitId: principal.scopeOrgUnitId });
    const job = await this.jobs.get(id);
    reply.header('location', `/${API_PREFIX}/jobs/${encodeURIComponent(id)}`);
    return { id, created, state: job?.state ?? 'queued' };
  }

  @Get('templates/:file')
  @Allow(...EVERY_ROLE)
  @ApiOperation({ summary: 'The XLSX template of a kind (activities.xlsx, volunteers.xlsx, hours.xlsx, donations.xlsx), Chinese headers by default' })
  @ApiParam({ name: 'file', enum: ['activities.xlsx', 'volunteers.xlsx', 'hours.xlsx', 'donations.xlsx'] })
  @ApiProduces(XLSX_CONTENT_TYPE)
  async template(@Param('file') file: string, @Query() query: TemplateQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const kind = file.replace(/\.xlsx$/, '');
    if (!file.endsWith('.xlsx') || !isImportKind(kind)) {
      throw new ProblemException(problem(404, `No template is named ${file}; there are activities.xlsx, volunteers.xlsx, hours.xlsx and donations.xlsx.`, { code: 'NOT_FOUND' }));
    }
    const lang = query.lang ?? 'zh-CN';
    reply.header('content-type', XLSX_CONTENT_TYPE);
    reply.header('content-disposition', `attachment; filename="${kind}${lang === 'en' ? '-en' : ''}.xlsx"`);
    return templateXlsx(kind, lang);
  }
}
