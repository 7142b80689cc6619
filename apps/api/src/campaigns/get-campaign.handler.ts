import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { campaignDecider, DomainError, streams } from '@tongxin/domain';
import type { Totals } from '@tongxin/projections';
import { CommandExecutor } from '../ledger/command-executor';
import { ReadSide } from '../ledger/read-side';
import type { Principal } from '../auth/principal';
import { requireScope } from '../auth/access';

export interface CampaignView {
  id: string; name: string; orgUnitId: string; path: string[]; startsOn: string | null; endsOn: string | null;
  revision: number;
  /** Money the campaign may still disburse: received − refunded − disbursed, in 分, from its own stream. */
  balance: number;
  totals: Totals;
}

export class GetCampaignQuery extends Query<CampaignView> {
  constructor(readonly id: string, readonly principal: Principal, readonly minPosition?: number) {
    super();
  }
}

@QueryHandler(GetCampaignQuery)
export class GetCampaignHandler implements IQueryHandler<GetCampaignQuery> {
  constructor(private readonly executor: CommandExecutor, private readonly readSide: ReadSide) {}

  async execute({ id, principal, minPosition }: GetCampaignQuery): Promise<CampaignView> {
    await this.readSide.caughtUp(minPosition);
    // The state commands keep: only events since the last read are read and folded.
    const { state, revision } = await this.executor.kept(streams.campaign(id), campaignDecider);
    requireScope(principal, state.exists ? state.orgPath : null);
    if (!state.exists) throw new DomainError('NOT_FOUND', `campaign ${id} does not exist`);
    return {
      id, name: state.name, orgUnitId: state.orgUnitId, path: state.orgPath, startsOn: state.startsOn, endsOn: state.endsOn,
      revision, balance: state.balance, totals: await this.readSide.readModel.totals({ campaignId: id }),
    };
  }
}
