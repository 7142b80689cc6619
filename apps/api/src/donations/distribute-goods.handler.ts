import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { activityDecider, campaignDecider, DomainError, ledgerToday, streams, type GoodsRecipient } from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import { requireScope, scoped } from '../auth/access';
import { newId } from '../http/ids';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import { EVENT_STORE } from '../ledger/tokens';
import type { DistributeGoodsDto } from './donation.dto';
import { donationKey } from './receive-donation.handler';

export class DistributeGoodsCommand extends Command<CommandResult> {
  constructor(readonly donationId: string, readonly body: DistributeGoodsDto, readonly ctx: CommandContext) {
    super();
  }
}

/**
 * Decided on the campaign stream that holds the donation: what remains of each item is read from the state the
 * append is conditioned on, so two distributions can never hand on the same sack twice.
 */
@CommandHandler(DistributeGoodsCommand)
export class DistributeGoodsHandler implements ICommandHandler<DistributeGoodsCommand> {
  constructor(private readonly executor: CommandExecutor, @Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ donationId, body, ctx }: DistributeGoodsCommand): Promise<CommandResult> {
    const streamId = await this.store.lookupUniqueKey(donationKey(donationId));
    if (!streamId) throw new DomainError('NOT_FOUND', `donation ${donationId} does not exist`);
    const distributionId = body.distributionId ?? newId();
    // The DTO admits exactly one of the two.
    const recipient: GoodsRecipient = body.recipient.orgUnitId !== undefined
      ? { orgUnitId: body.recipient.orgUnitId }
      : { activityId: body.recipient.activityId as string };
    return this.executor.execute({
      streamId, decider: campaignDecider, ctx, id: distributionId, status: 201,
      build: async (campaign, reads) => {
        // 1. The caller must hold both ends: the donation's unit and the unit the goods go to.
        const donation = campaign.donations.get(donationId);
        requireScope(ctx.principal, donation ? donation.orgPath : null);
        const orgUnit = 'orgUnitId' in recipient ? scoped(ctx.principal, await this.executor.orgUnit(recipient.orgUnitId)) : null;
        const activity = 'activityId' in recipient
          ? scoped(ctx.principal, await this.executor.current(streams.activity(recipient.activityId), activityDecider))
          : null;
        // 2. The rest is the decider's: items, what remains, dates, the recipient's place in the campaign, locks.
        return {
          type: 'DistributeGoods' as const,
          today: ledgerToday(new Date()),
          data: {
            donationId, distributionId, items: body.items.map(({ index, quantity }) => ({ index, quantity })), recipient,
            beneficiaries: body.beneficiaries, distributedOn: body.distributedOn, notes: body.notes ?? null,
          },
          orgUnit, activity,
          period: await reads.periodOf(body.distributedOn),
        };
      },
    });
  }
}
