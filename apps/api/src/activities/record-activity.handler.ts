import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { activityDecider, campaignDecider, ledgerToday, streams } from '@tongxin/domain';
import { newId } from '../http/ids';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { RecordActivityDto } from './activity.dto';
import { scoped } from '../auth/access';

export class RecordActivityCommand extends Command<CommandResult> {
  constructor(readonly body: RecordActivityDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(RecordActivityCommand)
export class RecordActivityHandler implements ICommandHandler<RecordActivityCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ body, ctx }: RecordActivityCommand): Promise<CommandResult> {
    const id = body.id ?? newId();
    return this.executor.execute({
      streamId: streams.activity(id), decider: activityDecider, ctx, id, status: 201,
      build: async (_state, reads) => ({
        type: 'RecordActivity' as const,
        today: ledgerToday(new Date()),
        data: {
          activityId: id, orgUnitId: body.orgUnitId, campaignId: body.campaignId ?? null, title: body.title,
          category: body.category, venueType: body.venueType ?? null, occurredOn: body.occurredOn,
          participants: body.participants, beneficiaries: body.beneficiaries ?? 0,
          materialsDistributed: body.materialsDistributed ?? 0, location: body.location ?? null, notes: body.notes ?? null,
        },
        orgUnit: scoped(ctx.principal, await this.executor.orgUnit(body.orgUnitId)),
        campaign: body.campaignId ? await this.executor.current(streams.campaign(body.campaignId), campaignDecider) : null,
        period: await reads.periodOf(body.occurredOn),
      }),
    });
  }
}
