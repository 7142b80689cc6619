import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  lineKey, pairKey, reconciliationDecider, streams, type CampaignState, type ProposedMatch,
} from '@tongxin/domain';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';

/** Matches the matching job proposed, for one campaign, with the campaign as the job read it. */
export class AutoMatchCommand extends Command<CommandResult> {
  constructor(readonly campaign: CampaignState, readonly matches: ProposedMatch[], readonly ctx: CommandContext) {
    super();
  }
}

/**
 * Records the proposals that still hold on the stream as it stands: one an organiser (or an earlier run of the job)
 * has decided meanwhile is dropped, never forced. So a retried job matches nothing twice.
 */
@CommandHandler(AutoMatchCommand)
export class AutoMatchHandler implements ICommandHandler<AutoMatchCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ campaign, matches, ctx }: AutoMatchCommand): Promise<CommandResult> {
    const streamId = streams.reconciliation(campaign.campaignId);
    return this.executor.execute({
      streamId, decider: reconciliationDecider, ctx, id: campaign.campaignId, status: 201,
      build: (state) => ({
        type: 'MatchDonations' as const,
        campaign,
        data: {
          matches: matches
            .filter((match) => {
              const line = state.lines.get(lineKey(match.statementId, match.line));
              return line !== undefined && line.matched === null && !state.matchedDonations.has(match.donationId)
                && !state.rejected.has(pairKey(match.statementId, match.line, match.donationId));
            })
            .map((match) => ({ ...match, reason: null })),
        },
      }),
    });
  }
}
