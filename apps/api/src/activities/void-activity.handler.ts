import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { activityDecider, streams } from '@tongxin/domain';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import { requireScope } from '../auth/access';

export class VoidActivityCommand extends Command<CommandResult> {
  constructor(readonly id: string, readonly reason: string, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(VoidActivityCommand)
export class VoidActivityHandler implements ICommandHandler<VoidActivityCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, reason, ctx }: VoidActivityCommand): Promise<CommandResult> {
    return this.executor.execute({
      streamId: streams.activity(id), decider: activityDecider, ctx, id, status: 200,
      build: (activity) => {
        requireScope(ctx.principal, activity.exists ? activity.orgPath : null);
        return { type: 'VoidActivity' as const, data: { activityId: id, reason } };
      },
    });
  }
}
