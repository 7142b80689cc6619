import { Module } from '@nestjs/common';
import { ImportProcessor } from '../imports/import.processor';
import { ReconcileProcessor } from '../reconciliation/reconcile.processor';

/**
 * Every job processor, hosted by the API (in-process jobs, or TONGXIN_JOB_WORKER=inline) and by the worker alike.
 * Add a processor class to `providers`; it registers itself with the JobProcessorRegistry in `onModuleInit` and may
 * inject what the global modules export (CommandBus, CommandExecutor, the ledger ports, JOB_QUEUE).
 */
@Module({ providers: [ImportProcessor, ReconcileProcessor] })
export class JobProcessorsModule {}
