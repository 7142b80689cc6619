import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider, streams } from '@tongxin/domain';
import { newId } from '../http/ids';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { LaunchCampaignDto } from './campaign.dto';
import { scoped } from '../auth/access';

export class LaunchCampaignCommand extends Command<CommandResult> {
  constructor(readonly body: LaunchCampaignDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(LaunchCampaignCommand)
export class LaunchCampaignHandler implements ICommandHandler<LaunchCampaignCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ body, ctx }: LaunchCampaignCommand): Promise<CommandResult> {
    const id = body.id ?? newId();
    return this.executor.execute({
      streamId: streams.campaign(id), decider: campaignDecider, ctx, id, status: 201,
      build: async () => ({
        type: 'LaunchCampaign' as const,
        data: { campaignId: id, name: body.name, orgUnitId: body.orgUnitId, startsOn: body.startsOn ?? null, endsOn: body.endsOn ?? null },
        orgUnit: scoped(ctx.principal, await this.executor.orgUnit(body.orgUnitId)),
      }),
    });
  }
}
