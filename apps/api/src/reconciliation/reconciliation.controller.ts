import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { campaignDecider, DomainError, streams } from '@tongxin/domain';
import { fileHash } from '@tongxin/imports';
import type { JobQueue } from '@tongxin/jobs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/access';
import { Allow, CurrentPrincipal, HISTORY_ROLES, ORGANISING_ROLES, type Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { CommandCtx } from '../http/command-context.decorator';
import { hashedId } from '../http/ids';
import { parseMinPosition } from '../http/min-position';
import { respond } from '../http/respond';
import { UPLOAD_TOO_LARGE, uploadedSheet } from '../imports/uploaded-sheet';
import { JOB_QUEUE } from '../jobs/tokens';
import type { CommandContext } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import { GetReconciliationQuery } from './get-reconciliation.handler';
import { MatchDonationCommand } from './match-donation.handler';
import { statementIdOf, type ReconcilePayload } from './reconcile.processor';
import { BankStatementQueryDto, ReconciliationMatchDto, ReconciliationQueryDto } from './reconciliation.dto';

@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller()
export class ReconciliationController {
  constructor(
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly executor: CommandExecutor,
  ) {}

  @Post('bank-statements')
  @HttpCode(202)
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({
    summary: 'Upload a bank statement (XLSX, XLS, ODS or CSV) of a campaign\'s receiving account and match it against its donations, as a background job',
    description: 'Send the file as the multipart part `file`. Columns: 交易日期 (Date), 金额（元） (Amount, yuan; a negative amount, or a '
      + '支出/借方 column, is a debit and is skipped), 交易流水号 (Reference), 对方户名 (Counterparty); the headers of common bank exports '
      + '(记账日期, 贷方发生额, 收入金额, 摘要, 附言, 流水号, 对方账户名称 …) are taken too, other columns and title rows are ignored. A bad '
      + 'line records nothing and the job fails listing it. The job records the statement (the same file again records nothing), '
      + 'then matches lines to money donations: by reference, then amount and date (±3 days), then amount and payer name (±15 days); '
      + 'a line with more than one candidate is left for an organiser. Organiser or admin, in the campaign\'s scope. Poll GET /api/v1/jobs/{id}.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiPayloadTooLargeResponse({ description: UPLOAD_TOO_LARGE })
  @ApiAcceptedResponse({ description: '`{ id, created, state, statementId }`: the job (created false: this file was sent for this campaign before; that job answers).' })
  async upload(
    @Query() query: BankStatementQueryDto, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: string; created: boolean; state: string; statementId: string }> {
    const campaign = await this.executor.current(streams.campaign(query.campaignId), campaignDecider);
    requireScope(principal, campaign.exists ? campaign.orgPath : null);
    if (!campaign.exists) throw new DomainError('UNKNOWN_REFERENCE', `campaign ${query.campaignId} does not exist`, 'campaignId');
    const { buffer, fileName, format, language } = await uploadedSheet(request);
    const hash = fileHash(buffer);
    const payload: ReconcilePayload = { campaignId: query.campaignId, format, fileName, hash, file: buffer.toString('base64'), principal, language };
    // One job per statement file and campaign: the same upload again answers that job.
    const jobId = hashedId('reconcile', query.campaignId, hash);
    const { id, created } = await this.jobs.enqueue('reconcile', jobId, payload, { actor: principal.tokenId, orgUnitId: campaign.orgUnitId });
    const job = await this.jobs.get(id);
    reply.header('location', `/${API_PREFIX}/jobs/${encodeURIComponent(id)}`);
    return { id, created, state: job?.state ?? 'queued', statementId: statementIdOf(hash) };
  }

  @Post('reconciliation/matches')
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({
    summary: 'Match a bank line to a donation by hand, or unmatch a pair, with the reason (organiser or admin)',
    description: 'action=match answers 201, unmatch 200. A line or donation matched already → 409 ALREADY_MATCHED; unmatching a pair '
      + 'that is not matched → 409 NOT_MATCHED; an unknown statement, line or donation → 422 naming the field; a goods donation → 422. '
      + 'A pair unmatched by hand is never matched again by the matching job.',
  })
  async match(@Body() body: ReconciliationMatchDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new MatchDonationCommand(body, ctx)));
  }

  @Get('reconciliation')
  @Allow(...HISTORY_ROLES)
  @ApiOperation({
    summary: 'A campaign\'s reconciliation: money received against the bank\'s credit lines, exact to the 分',
    description: 'moneyReceived (money donations as received; refunds apart in moneyRefunded), matched (sum of matched donations), '
      + 'unmatchedDonations, bankTotal (credit lines), unmatchedBankLines (with why the matching left each and its candidate donations), '
      + 'difference = bankTotal − moneyReceived, and matches counted by how they were made. Organisers, admins and analysts in the '
      + 'campaign\'s scope; donor and payer names show to organisers and admins only, and never an anonymous donor\'s, nor the '
      + 'payer of a line an anonymous donation could be or was. Read from the streams themselves, so '
      + '`minPosition` is always met.',
  })
  async report(@Query() query: ReconciliationQueryDto, @CurrentPrincipal() principal: Principal) {
    parseMinPosition(query.minPosition);
    return this.queryBus.execute(new GetReconciliationQuery(query.campaignId, principal));
  }
}
