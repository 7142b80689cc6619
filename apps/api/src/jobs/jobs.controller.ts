import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { JobQueue, JobView } from '@tongxin/jobs';
import { Allow, CurrentPrincipal, EVERY_ROLE, type Principal } from '../auth/principal';
import { Scope } from '../auth/scope';
import { problem, ProblemException } from '../http/problem';
import { withoutSheetBytes } from '../imports/refused-sheet';
import { JOB_VIEW_SCHEMA } from './job-view.schema';
import { JOB_QUEUE } from './tokens';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(@Inject(JOB_QUEUE) private readonly jobs: JobQueue, private readonly scope: Scope) {}

  @Get(':id')
  @Allow(...EVERY_ROLE)
  @ApiOperation({
    summary: 'A background job (an import, a reconciliation): its state, progress (rows done / total), and its result or error',
    description: 'Readable by every role for jobs started under an org unit in the caller\'s scope (403 otherwise); a job started for the whole ledger only by an unscoped admin. Finished jobs stay readable for 14 days. 503 while the job queue (Redis) is unreachable.',
  })
  @ApiParam({ name: 'id', description: 'The job id the starting request answered.' })
  @ApiOkResponse({ description: 'The job.', schema: JOB_VIEW_SCHEMA })
  @ApiNotFoundResponse({ description: 'No job has this id (or it finished more than 14 days ago).' })
  @ApiServiceUnavailableResponse({ description: 'The job queue is unreachable; retry later.' })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    const job = await this.jobs.get(id);
    if (!job) throw new ProblemException(problem(404, `No job has the id ${id}.`, { code: 'NOT_FOUND' }));
    await this.scope.requireUnit(principal, job.orgUnitId);
    return withoutSheetBytes(job);
  }
}
