import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import type { EventStore } from '@tongxin/event-store';
import {
  columnForPath, parseImport, rowIdempotencyKey, type ConvertedRow, type HeaderLanguage, type ImportKind, type SheetFormat,
} from '@tongxin/imports';
import { JobProcessorRegistry, PermanentJobError, type JobContext, type JobProcessor } from '@tongxin/jobs';
import { createHash, randomUUID } from 'node:crypto';
import { RecordActivityCommand } from '../activities/record-activity.handler';
import type { Principal } from '../auth/principal';
import { ReceiveDonationCommand } from '../donations/receive-donation.handler';
import { canonicalJson } from '../http/command-context.decorator';
import { ProblemFilter } from '../http/problem.filter';
import type { CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import { EVENT_STORE } from '../ledger/tokens';
import { LogHoursCommand } from '../volunteers/log-hours.handler';
import { RegisterVolunteerCommand } from '../volunteers/register-volunteer.handler';
import { refusedSheetOf, type RefusedSheet } from './refused-sheet';
import { ImportRowChecker, type HeaderOf } from './row-checker';

export type ImportMode = 'all-or-nothing' | 'valid-rows';

/** What POST /imports queues: the file itself (base64) and who sent it, so each row is recorded as that caller. */
export interface ImportPayload {
  kind: ImportKind;
  format: SheetFormat;
  mode: ImportMode;
  fileName: string;
  /** SHA-256 of the file: with the row number, each row's Idempotency-Key. */
  hash: string;
  file: string;
  principal: Principal;
  /** From the upload's Accept-Language: the messages' language when the file's headers tell none. */
  language?: HeaderLanguage;
}

/** One refused row (or the file, `row` null): the column as headed in the file, and why. */
export interface ImportRowError {
  row: number | null;
  column: string | null;
  field: string | null;
  message: string;
  code?: string;
}

export interface ImportResult {
  kind: ImportKind;
  mode: ImportMode;
  hash: string;
  /** Data rows in the file (empty rows not counted). */
  rows: number;
  /** Rows recorded by this job. */
  recorded: number;
  /** Rows an earlier upload of the same file had recorded already: nothing was appended for them. */
  alreadyRecorded: number;
  /** Rows refused (valid-rows mode): each is in `refusedSheet`, and in `errors` up to MAX_LISTED_ERRORS. */
  refused: number;
  /** Every problem of every refused row, in the language of the file's headers; the first MAX_LISTED_ERRORS of them. */
  errors: ImportRowError[];
  /** Problems in all, listed or not. */
  errorCount: number;
  /** The language of `errors`: that of the file's headers. */
  language: HeaderLanguage;
  /** The refused rows as they were in the file, for GET /imports/{jobId}/refused.xlsx (absent when none). */
  refusedSheet?: RefusedSheet;
}

/** Rows recorded at once: enough for the store's group commit to share fsyncs (48: ~15% slower), few enough to keep memory flat. */
const CONCURRENT_ROWS = 128;


/**
 * Problems the job view lists; the refused-rows sheet holds them all. Every GET /jobs/{id} answers the whole list, so
 * 50,000 of them would cost every poll ~10 MB of JSON.
 */
export const MAX_LISTED_ERRORS = 1_000;

/** Rows checked between two turns of the event loop (~10 ms of work). */
const CHECKS_PER_TURN = 200;


/**
 * The `import` job: a spreadsheet of one kind, every row checked with the API's own DTO and references first, then
 * recorded row by row through the same commands as the API, as the uploader. Each row carries an Idempotency-Key
 * made of the file's hash and its row number, so a second upload of the same file (or a retry of this job after a
 * crash) records nothing twice.
 */
@Injectable()
export class ImportProcessor implements JobProcessor<ImportPayload, ImportResult>, OnModuleInit {
  private readonly problems = new ProblemFilter();
  private readonly rows: ImportRowChecker;

  constructor(
    private readonly registry: JobProcessorRegistry,
    private readonly commandBus: CommandBus,
    private readonly executor: CommandExecutor,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.rows = new ImportRowChecker(executor, store);
  }

  onModuleInit(): void {
    this.registry.register('import', this);
  }

  async process(payload: ImportPayload, ctx: JobContext): Promise<ImportResult> {
    const { kind, mode, hash, principal } = payload;
    const parsed = await parseImport(Buffer.from(payload.file, 'base64'), payload.format, kind, { language: payload.language });
    if (!parsed.ok) {
      const tooLarge = parsed.problems.find((p) => p.code !== undefined)?.code;
      throw new PermanentJobError('The file cannot be imported; nothing was recorded.', {
        errors: parsed.problems.map((p) => ({ row: null, column: p.column, field: null, message: p.message, code: p.code })),
        language: parsed.language, ...(tooLarge ? { code: tooLarge } : {}),
      });
    }
    const { language } = parsed;
    const total = parsed.rows.length;
    const header = (field: string | null) => (field ? parsed.columns.find((c) => c.field === field)?.header ?? null : null);
    await ctx.progress(0, total);
    // 1. Check every row before recording any, so that a file with a bad row records nothing (unless valid-rows).
    const refusals = new Map<number, ImportRowError[]>();
    const seenIds = new Map<string, number>();
    for (const [i, row] of parsed.rows.entries()) {
      const errors = await this.rows.check(kind, hash, row, header, principal, seenIds, language);
      if (errors.length > 0) refusals.set(row.rowNumber, errors);
      // Checks settle as microtasks: without a turn of the event loop now and then, this process (the API, in the
      // embedded mode) would answer no request and no Redis reply until every row was checked.
      if (i % CHECKS_PER_TURN === CHECKS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    if (refusals.size > 0 && mode === 'all-or-nothing') {
      const errors = [...refusals.values()].flat();
      throw new PermanentJobError(`${refusals.size} of ${total} rows are invalid; nothing was recorded.`, {
        errors: errors.slice(0, MAX_LISTED_ERRORS), errorCount: errors.length, refusedRows: refusals.size, language,
        refusedSheet: await refusedSheetOf(ctx.jobId, parsed, refusals),
      });
    }
    // 2. Record the rest. A refusal the log alone can tell (a lock recorded meanwhile, an id taken by another upload)
    //    is reported for its row; a failure of the store stops the job, to be retried: rows recorded replay.
    const result: ImportResult = { kind, mode, hash, rows: total, recorded: 0, alreadyRecorded: 0, refused: 0, errors: [], errorCount: 0, language };
    const pending = parsed.rows.filter((row) => !refusals.has(row.rowNumber));
    let done = total - pending.length;
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const row = pending[next++];
        const outcome = await this.record(kind, hash, row, principal, ctx.jobId, header);
        if (outcome === 'recorded') result.recorded++;
        else if (outcome === 'replayed') result.alreadyRecorded++;
        else refusals.set(row.rowNumber, outcome);
        await ctx.progress(++done, total);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_ROWS, pending.length) }, worker));
    const errors = [...refusals.entries()].sort(([a], [b]) => a - b).flatMap(([, rowErrors]) => rowErrors);
    result.errors = errors.slice(0, MAX_LISTED_ERRORS);
    result.errorCount = errors.length;
    result.refused = refusals.size;
    if (refusals.size > 0) result.refusedSheet = await refusedSheetOf(ctx.jobId, parsed, refusals);
    await ctx.progress(total, total);
    return result;
  }

  private async record(
    kind: ImportKind, hash: string, row: ConvertedRow, principal: Principal, jobId: string, header: HeaderOf,
  ): Promise<'recorded' | 'replayed' | ImportRowError[]> {
    // The fingerprint leaves out who uploaded: the same file sent again by a colleague is the same rows.
    const fingerprint = createHash('sha256').update(`import ${kind}\n${canonicalJson({ params: row.params, body: row.body })}`).digest('hex');
    const ctx = {
      principal, commandId: randomUUID(), correlationId: jobId,
      idempotency: { key: rowIdempotencyKey(hash, kind, row.rowNumber), fingerprint },
    };
    try {
      const result = await this.commandBus.execute<Command<CommandResult>, CommandResult>(commandFor(kind, row, ctx));
      return result.replayed ? 'replayed' : 'recorded';
    } catch (error) {
      const { body } = this.problems.toProblem(error);
      if (body.status >= 500) throw error;
      const paths = body.errors?.length ? body.errors : [{ path: '', message: body.detail }];
      return paths.map(({ path, message }) => {
        const field = path ? columnForPath(kind, path)?.field ?? null : null;
        return { row: row.rowNumber, column: header(field), field, message, code: body.code as string | undefined };
      });
    }
  }
}

function commandFor(kind: ImportKind, row: ConvertedRow, ctx: ConstructorParameters<typeof RecordActivityCommand>[1]): Command<CommandResult> {
  const body = row.body as never;
  switch (kind) {
    case 'activities':
      return new RecordActivityCommand(body, ctx);
    case 'volunteers':
      return new RegisterVolunteerCommand(body, ctx);
    case 'hours':
      return new LogHoursCommand(row.params.volunteerId, body, ctx);
    case 'donations':
      return new ReceiveDonationCommand(body, ctx);
  }
}
