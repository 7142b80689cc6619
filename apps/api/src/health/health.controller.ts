import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@tongxin/event-store';
import type { LedgerReadModelPort } from '@tongxin/projections';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/principal';
import { EVENT_STORE, READ_MODEL } from '../ledger/tokens';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL) private readonly readModel: LedgerReadModelPort,
  ) {}

  /** 200 when the store answers, 503 otherwise; includes how far the read models have caught up. */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      await this.store.ping();
      const position = await this.store.headPosition();
      return { status: 'ok', store: 'up', position, projections: { checkpoint: await this.readModel.checkpoint() } };
    } catch (error) {
      reply.status(503);
      return { status: 'unavailable', store: 'down', detail: (error as Error).message };
    }
  }
}
