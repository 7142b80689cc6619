import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ActivitiesController } from './activities/activities.controller';
import { CorrectActivityHandler } from './activities/correct-activity.handler';
import { GetActivityHandler } from './activities/get-activity.handler';
import { RecordActivityHandler } from './activities/record-activity.handler';
import { VoidActivityHandler } from './activities/void-activity.handler';
import { AuthGuard } from './auth/auth.guard';
import { AdminCredentials } from './auth/credentials';
import { FailedAuthThrottle } from './auth/failed-auth-throttle';
import { CampaignsController } from './campaigns/campaigns.controller';
import { GetCampaignHandler } from './campaigns/get-campaign.handler';
import { LaunchCampaignHandler } from './campaigns/launch-campaign.handler';
import type { LedgerConfig } from './config/config';
import { DisburseFundsHandler } from './donations/disburse-funds.handler';
import { DonationsController } from './donations/donations.controller';
import { ReceiveDonationHandler } from './donations/receive-donation.handler';
import { RefundDonationHandler } from './donations/refund-donation.handler';
import { HealthController } from './health/health.controller';
import { HistoryController } from './history/history.controller';
import { ProblemFilter } from './http/problem.filter';
import { strictValidationPipe } from './http/validation';
import { LedgerModule } from './ledger/ledger.module';
import { GetOrgUnitHandler } from './org-units/get-org-unit.handler';
import { OrgUnitsController } from './org-units/org-units.controller';
import { RegisterOrgUnitHandler } from './org-units/register-org-unit.handler';
import { GetPeriodHandler } from './periods/get-period.handler';
import { LockPeriodHandler } from './periods/lock-period.handler';
import { PeriodsController } from './periods/periods.controller';
import { StatsController } from './stats/stats.controller';
import { GetBreakdownHandler, GetChangesHandler, GetTotalsHandler } from './stats/stats.handlers';
import { EraseVolunteerHandler } from './volunteers/erase-volunteer.handler';
import { GetVolunteerHandler } from './volunteers/get-volunteer.handler';
import { LogHoursHandler } from './volunteers/log-hours.handler';
import { RegisterVolunteerHandler } from './volunteers/register-volunteer.handler';
import { ReviewHoursHandler } from './volunteers/review-hours.handler';
import { VolunteersController } from './volunteers/volunteers.controller';
import { AuditController } from './audit/audit.controller';
import { TokensController } from './tokens/tokens.controller';
import { TokensModule } from './tokens/tokens.module';

const COMMAND_HANDLERS = [
  RegisterOrgUnitHandler, LaunchCampaignHandler, RecordActivityHandler, CorrectActivityHandler, VoidActivityHandler,
  RegisterVolunteerHandler, LogHoursHandler, ReviewHoursHandler, ReceiveDonationHandler, RefundDonationHandler,
  DisburseFundsHandler, LockPeriodHandler, EraseVolunteerHandler,
];
const QUERY_HANDLERS = [
  GetOrgUnitHandler, GetCampaignHandler, GetActivityHandler, GetVolunteerHandler, GetTotalsHandler, GetBreakdownHandler, GetChangesHandler,
  GetPeriodHandler,
];

@Module({})
export class AppModule {
  static register(config: LedgerConfig, credentials: AdminCredentials): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), LedgerModule.register(config), TokensModule.register(config)],
      controllers: [
        OrgUnitsController, CampaignsController, ActivitiesController, VolunteersController, DonationsController,
        StatsController, HistoryController, HealthController, PeriodsController, TokensController,
        AuditController,
      ],
      providers: [
        { provide: AdminCredentials, useValue: credentials },
        { provide: FailedAuthThrottle, useValue: new FailedAuthThrottle(config.failedAuth) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useFactory: strictValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        ...COMMAND_HANDLERS,
        ...QUERY_HANDLERS,
      ],
    };
  }
}
