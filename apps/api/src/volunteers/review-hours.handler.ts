import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streams, volunteerDecider } from '@tongxin/domain';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';

/** An organiser's review of one hour entry: verify it, or reject it with a reason. */
export class ReviewHoursCommand extends Command<CommandResult> {
  constructor(
    readonly volunteerId: string,
    readonly entryId: string,
    readonly decision: { verify: true } | { verify: false; reason: string },
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReviewHoursCommand)
export class ReviewHoursHandler implements ICommandHandler<ReviewHoursCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ volunteerId, entryId, decision, ctx }: ReviewHoursCommand): Promise<CommandResult> {
    return this.executor.execute({
      streamId: streams.volunteer(volunteerId), decider: volunteerDecider, ctx, id: entryId, status: 200,
      build: () =>
        decision.verify
          ? { type: 'VerifyHours' as const, data: { volunteerId, entryId } }
          : { type: 'RejectHours' as const, data: { volunteerId, entryId, reason: decision.reason } },
    });
  }
}
