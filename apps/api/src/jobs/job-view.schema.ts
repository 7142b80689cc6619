import type { ApiResponseSchemaHost } from '@nestjs/swagger';

type SchemaObject = ApiResponseSchemaHost['schema'];

/** JobView (`@tongxin/jobs`) as OpenAPI describes it. */
export const JOB_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'name', 'state', 'progress', 'actor', 'orgUnitId', 'createdAt', 'attempts'],
  properties: {
    id: { type: 'string', example: 'import-2026-03-v1' },
    name: { type: 'string', enum: ['import', 'reconcile'] },
    state: {
      type: 'string', enum: ['queued', 'running', 'completed', 'failed'],
      description: '`queued` also while the job waits out the backoff before retrying a transient failure.',
    },
    progress: {
      type: 'object', required: ['done', 'total'],
      properties: { done: { type: 'integer', example: 120 }, total: { type: 'integer', example: 480 } },
      description: 'Rows done out of total, as the processor last reported (0/0 before it reports).',
    },
    result: { description: 'What the job produced, once `completed`.' },
    error: {
      type: 'object', required: ['message', 'permanent'],
      description: 'Why the job failed, once `failed`.',
      properties: {
        message: { type: 'string' },
        permanent: { type: 'boolean', description: 'True for bad input (not retried); false when retries ran out.' },
        details: { description: 'What the processor attached, e.g. the rows refused.' },
      },
    },
    actor: { type: 'string', description: 'The token id that started the job.' },
    orgUnitId: { type: 'string', nullable: true, description: 'The org unit the job works under; null for the whole ledger.' },
    createdAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    attempts: { type: 'integer', description: 'Attempts started so far.' },
  },
};
