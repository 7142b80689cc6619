import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { activityDecider, campaignDecider, ledgerToday, streams, type ActivityFacts } from '@tongxin/domain';
import { badRequest } from '../http/problem';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { CorrectActivityDto } from './activity.dto';
import { requireScope } from '../auth/access';

const CORRECTABLE: (keyof ActivityFacts)[] = [
  'title', 'category', 'venueType', 'occurredOn', 'participants', 'beneficiaries', 'materialsDistributed', 'campaignId',
];

export class CorrectActivityCommand extends Command<CommandResult> {
  constructor(readonly id: string, readonly body: CorrectActivityDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(CorrectActivityCommand)
export class CorrectActivityHandler implements ICommandHandler<CorrectActivityCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, body, ctx }: CorrectActivityCommand): Promise<CommandResult> {
    const changes: Partial<ActivityFacts> = {};
    for (const field of CORRECTABLE) {
      if (body[field] !== undefined) (changes as Record<string, unknown>)[field] = body[field];
    }
    if (Object.keys(changes).length === 0) {
      throw badRequest([{ path: '', message: `a correction names at least one of ${CORRECTABLE.join(', ')}` }]);
    }
    return this.executor.execute({
      streamId: streams.activity(id), decider: activityDecider, ctx, id, status: 200,
      build: async (activity) => {
        requireScope(ctx.principal, activity.exists ? activity.orgPath : null);
        return {
          type: 'CorrectActivity' as const,
          today: ledgerToday(new Date()),
          data: { activityId: id, changes, reason: body.reason },
          campaign: typeof changes.campaignId === 'string'
            ? await this.executor.current(streams.campaign(changes.campaignId), campaignDecider)
            : null,
        };
      },
    });
  }
}
