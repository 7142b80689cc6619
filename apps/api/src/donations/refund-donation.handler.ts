import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider, DomainError, ledgerToday } from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import { newId } from '../http/ids';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import { EVENT_STORE } from '../ledger/tokens';
import type { RefundDonationDto } from './donation.dto';
import { donationKey } from './receive-donation.handler';
import { requireScope } from '../auth/access';

export class RefundDonationCommand extends Command<CommandResult> {
  constructor(readonly donationId: string, readonly body: RefundDonationDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(RefundDonationCommand)
export class RefundDonationHandler implements ICommandHandler<RefundDonationCommand> {
  constructor(private readonly executor: CommandExecutor, @Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ donationId, body, ctx }: RefundDonationCommand): Promise<CommandResult> {
    const streamId = await this.store.lookupUniqueKey(donationKey(donationId));
    if (!streamId) throw new DomainError('NOT_FOUND', `donation ${donationId} does not exist`);
    const refundId = body.refundId ?? newId();
    return this.executor.execute({
      streamId, decider: campaignDecider, ctx, id: refundId, status: 201,
      build: (campaign) => {
        const donation = campaign.donations.get(donationId);
        requireScope(ctx.principal, donation ? donation.orgPath : null);
        const today = ledgerToday(new Date());
        return {
          type: 'RefundDonation' as const, today,
          data: { donationId, refundId, amount: body.amount, reason: body.reason, refundedOn: body.refundedOn ?? today },
        };
      },
    });
  }
}
