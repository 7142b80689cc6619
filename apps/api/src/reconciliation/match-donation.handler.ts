import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider, reconciliationDecider, streams } from '@tongxin/domain';
import { requireScope } from '../auth/access';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { ReconciliationMatchDto } from './reconciliation.dto';

export class MatchDonationCommand extends Command<CommandResult> {
  constructor(readonly body: ReconciliationMatchDto, readonly ctx: CommandContext) {
    super();
  }
}

/**
 * An organiser's match or unmatch, with its reason. The campaign's donations are read without a condition on the
 * campaign stream: a donation once received never changes (refunds are separate facts), so nothing recorded there
 * later can make the decision wrong.
 */
@CommandHandler(MatchDonationCommand)
export class MatchDonationHandler implements ICommandHandler<MatchDonationCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ body, ctx }: MatchDonationCommand): Promise<CommandResult> {
    const { campaignId, statementId, line, donationId, reason } = body;
    return this.executor.execute({
      streamId: streams.reconciliation(campaignId), decider: reconciliationDecider, ctx,
      id: `${statementId}:${line}`, status: body.action === 'match' ? 201 : 200,
      build: async () => {
        const campaign = await this.executor.current(streams.campaign(campaignId), campaignDecider);
        requireScope(ctx.principal, campaign.exists ? campaign.orgPath : null);
        return body.action === 'match'
          ? { type: 'MatchDonations' as const, campaign, data: { matches: [{ statementId, line, donationId, by: 'manual' as const, reason }] } }
          : { type: 'UnmatchDonation' as const, data: { statementId, line, donationId, reason } };
      },
    });
  }
}
