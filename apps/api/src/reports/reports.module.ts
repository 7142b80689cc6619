import { Module } from '@nestjs/common';
import { GetSummaryHandler } from './get-summary.handler';
import { GetTotalsWorkbookHandler } from './get-totals-workbook.handler';
import { ReportsController } from './reports.controller';

/** Documents made of the read model's figures: the summary paragraph and the totals workbook. */
@Module({ controllers: [ReportsController], providers: [GetSummaryHandler, GetTotalsWorkbookHandler] })
export class ReportsModule {}
