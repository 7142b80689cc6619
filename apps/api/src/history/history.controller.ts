import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import { badRequest, type FieldError } from '../http/problem';
import { toEventView, type EventView } from '../ledger/event-view';
import { EVENT_STORE } from '../ledger/tokens';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** The log itself, in global order, for analysts, exports and replays. Scope filtering comes with access (§6). */
@ApiTags('history')
@ApiBearerAuth()
@Controller()
export class HistoryController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('events')
  @ApiQuery({ name: 'after', required: false, description: 'Exclusive global position to read after (default 0).' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000 (default 100).' })
  async events(@Query('after') afterRaw?: string, @Query('limit') limitRaw?: string): Promise<{ events: EventView[]; next: number | null }> {
    const errors: FieldError[] = [];
    const after = afterRaw === undefined ? 0 : /^\d{1,15}$/.test(afterRaw) ? Number(afterRaw) : (errors.push({ path: 'after', message: 'after must be a non-negative integer' }), 0);
    const limit = limitRaw === undefined ? 100 : /^\d{1,4}$/.test(limitRaw) && Number(limitRaw) >= 1 && Number(limitRaw) <= 1000 ? Number(limitRaw) : (errors.push({ path: 'limit', message: 'limit must be an integer from 1 to 1000' }), 0);
    if (errors.length) throw badRequest(errors);
    const events = await this.store.readAll({ after, limit });
    // `next` is the `after` of the following page; null once this page reached the end of the log.
    const next = events.length === limit ? events[events.length - 1].position : null;
    return { events: events.map(toEventView), next };
  }

  @Get('streams/:streamId')
  async stream(@Param('streamId') streamId: string): Promise<{ streamId: string; revision: number; events: EventView[] }> {
    if (!STREAM_ID.test(streamId)) throw badRequest([{ path: 'streamId', message: `streamId must match ${STREAM_ID.source}` }]);
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw new DomainError('NOT_FOUND', `stream ${streamId} does not exist`);
    return { streamId, revision: events.length - 1, events: events.map(toEventView) };
  }
}
