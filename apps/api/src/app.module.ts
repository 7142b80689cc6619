import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ActivitiesController } from './activities/activities.controller';
import { CorrectActivityHandler } from './activities/correct-activity.handler';
import { GetActivityHandler } from './activities/get-activity.handler';
import { ListActivitiesHandler } from './activities/list-activities.handler';
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
import { DistributeGoodsHandler } from './donations/distribute-goods.handler';
import { DonationsController } from './donations/donations.controller';
import { GetDonationHandler } from './donations/get-donation.handler';
import { ReceiveDonationHandler } from './donations/receive-donation.handler';
import { RefundDonationHandler } from './donations/refund-donation.handler';
import { HealthController } from './health/health.controller';
import { HistoryController } from './history/history.controller';
import { ImportsController } from './imports/imports.controller';
import { JobsController } from './jobs/jobs.controller';
import { JobsModule } from './jobs/jobs.module';
import { JobProcessorsModule } from './jobs/job-processors.module';
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
import { GetCertificateHandler } from './volunteers/get-certificate.handler';
import { GetVolunteerHandler } from './volunteers/get-volunteer.handler';
import { LogHoursHandler } from './volunteers/log-hours.handler';
import { RegisterVolunteerHandler } from './volunteers/register-volunteer.handler';
import { ReviewHoursHandler } from './volunteers/review-hours.handler';
import { VolunteersController } from './volunteers/volunteers.controller';
import { AuditController } from './audit/audit.controller';
import { AutoMatchHandler } from './reconciliation/auto-match.handler';
import { GetReconciliationHandler } from './reconciliation/get-reconciliation.handler';
import { MatchDonationHandler } from './reconciliation/match-donation.handler';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { RecordBankStatementHandler } from './reconciliation/record-bank-statement.handler';
import { ReportsModule } from './reports/reports.module';
import { MeController } from './tokens/me.controller';
import { TokensController } from './tokens/tokens.controller';
import { TokensModule } from './tokens/tokens.module';

const COMMAND_HANDLERS = [
  RegisterOrgUnitHandler, LaunchCampaignHandler, RecordActivityHandler, CorrectActivityHandler, VoidActivityHandler,
  RegisterVolunteerHandler, LogHoursHandler, ReviewHoursHandler, ReceiveDonationHandler, RefundDonationHandler,
  DisburseFundsHandler, LockPeriodHandler, EraseVolunteerHandler, DistributeGoodsHandler,
  RecordBankStatementHandler, AutoMatchHandler, MatchDonationHandler,
];
const QUERY_HANDLERS = [
  GetCertificateHandler,
  GetOrgUnitHandler, GetCampaignHandler, GetActivityHandler, GetVolunteerHandler, GetTotalsHandler, GetBreakdownHandler, GetChangesHandler,
  GetPeriodHandler, GetDonationHandler, GetReconciliationHandler, ListActivitiesHandler,
];

/** The command handlers in a module of their own, so the worker hosts them too (job processors dispatch commands). */
@Module({ providers: COMMAND_HANDLERS })
export class LedgerCommandsModule {}

@Module({})
export class AppModule {
  static register(config: LedgerConfig, credentials: AdminCredentials): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), LedgerModule.register(config), TokensModule.register(config), JobsModule.register(config), LedgerCommandsModule, JobProcessorsModule, ReportsModule],
      controllers: [
        OrgUnitsController, CampaignsController, ActivitiesController, VolunteersController, DonationsController,
        StatsController, HistoryController, HealthController, PeriodsController, TokensController,
        AuditController, JobsController, ImportsController, ReconciliationController, MeController,
      ],
      providers: [
        { provide: AdminCredentials, useValue: credentials },
        { provide: FailedAuthThrottle, useValue: new FailedAuthThrottle(config.failedAuth) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useFactory: strictValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        ...QUERY_HANDLERS,
      ],
    };
  }
}
