import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { streams } from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import {
  columnForPath, parseImport, rowIdempotencyKey, type ConvertedRow, type HeaderLanguage, type ImportKind, type SheetFormat,
} from '@tongxin/imports';
import { JobProcessorRegistry, PermanentJobError, type JobContext, type JobProcessor } from '@tongxin/jobs';
import { createHash, randomUUID } from 'node:crypto';
import { RecordActivityCommand } from '../activities/record-activity.handler';
import { RecordActivityDto } from '../activities/activity.dto';
import { inScope } from '../auth/access';
import type { Principal } from '../auth/principal';
import { ReceiveDonationDto } from '../donations/donation.dto';
import { donationKey, ReceiveDonationCommand } from '../donations/receive-donation.handler';
import { canonicalJson } from '../http/command-context.decorator';
import { ProblemFilter } from '../http/problem.filter';
import { flattenValidationErrors } from '../http/validation';
import { ID_PATTERN } from '../http/validators';
import type { CommandResult } from '../ledger/command-context';
import { evictOldest } from '../ledger/bounded-map';
import { CommandExecutor } from '../ledger/command-executor';
import { EVENT_STORE } from '../ledger/tokens';
import { LogHoursDto, RegisterVolunteerDto } from '../volunteers/volunteer.dto';
import { LogHoursCommand } from '../volunteers/log-hours.handler';
import { RegisterVolunteerCommand } from '../volunteers/register-volunteer.handler';
import { refusedSheetOf, type RefusedSheet } from './refused-sheet';
import { dtoMessage, ROW_MESSAGES, type Said } from './row-messages';

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
  /** Rows refused (valid-rows mode): each is in `errors`. */
  refused: number;
  /** Every problem of every refused row, in the language of the file's headers. */
  errors: ImportRowError[];
  /** The language of `errors`: that of the file's headers. */
  language: HeaderLanguage;
  /** The refused rows as they were in the file, for GET /imports/{jobId}/refused.xlsx (absent when none). */
  refusedSheet?: RefusedSheet;
}

/** Rows recorded at once: enough for the store's group commit to share fsyncs (48: ~15% slower), few enough to keep memory flat. */
const CONCURRENT_ROWS = 128;

/** A field's header as written in the uploaded file. */
type HeaderOf = (field: string | null) => string | null;

/** Rows checked between two turns of the event loop (~10 ms of work). */
const CHECKS_PER_TURN = 200;

const DTO_OF: Record<ImportKind, new () => object> = {
  activities: RecordActivityDto,
  volunteers: RegisterVolunteerDto,
  hours: LogHoursDto,
  donations: ReceiveDonationDto,
};

/**
 * The `import` job: a spreadsheet of one kind, every row checked with the API's own DTO and references first, then
 * recorded row by row through the same commands as the API, as the uploader. Each row carries an Idempotency-Key
 * made of the file's hash and its row number, so a second upload of the same file (or a retry of this job after a
 * crash) records nothing twice.
 */
@Injectable()
export class ImportProcessor implements JobProcessor<ImportPayload, ImportResult>, OnModuleInit {
  private readonly problems = new ProblemFilter();

  constructor(
    private readonly registry: JobProcessorRegistry,
    private readonly commandBus: CommandBus,
    private readonly executor: CommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

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
      const errors = await this.check(kind, hash, row, header, principal, seenIds, language);
      if (errors.length > 0) refusals.set(row.rowNumber, errors);
      // Checks settle as microtasks: without a turn of the event loop now and then, this process (the API, in the
      // embedded mode) would answer no request and no Redis reply until every row was checked.
      if (i % CHECKS_PER_TURN === CHECKS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    if (refusals.size > 0 && mode === 'all-or-nothing') {
      const errors = [...refusals.values()].flat();
      throw new PermanentJobError(`${refusals.size} of ${total} rows are invalid; nothing was recorded.`, {
        errors, refusedRows: refusals.size, language, refusedSheet: refusedSheetOf(ctx.jobId, parsed, refusals),
      });
    }
    // 2. Record the rest. A refusal the log alone can tell (a lock recorded meanwhile, an id taken by another upload)
    //    is reported for its row; a failure of the store stops the job, to be retried: rows recorded replay.
    const result: ImportResult = { kind, mode, hash, rows: total, recorded: 0, alreadyRecorded: 0, refused: 0, errors: [], language };
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
    result.errors = [...refusals.entries()].sort(([a], [b]) => a - b).flatMap(([, errors]) => errors);
    result.refused = refusals.size;
    if (refusals.size > 0) result.refusedSheet = refusedSheetOf(ctx.jobId, parsed, refusals);
    await ctx.progress(total, total);
    return result;
  }

  /**
   * Every problem of the row at once, as the API would find them: its cells, its DTO, its ids, and the units and
   * entities it names. A field whose cell could not be read is left out of the later checks, not reported twice.
   */
  private async check(
    kind: ImportKind, hash: string, row: ConvertedRow, header: HeaderOf, principal: Principal, seenIds: Map<string, number>,
    language: HeaderLanguage,
  ): Promise<ImportRowError[]> {
    const refuse = (field: string | null, said: Said): ImportRowError =>
      ({ row: row.rowNumber, column: header(field), field, message: said[language] });
    const errors: ImportRowError[] = row.errors.map((e) => ({ row: row.rowNumber, column: e.column, field: e.field, message: e.message }));
    const unread = new Set(row.errors.map((e) => e.field));
    const dto = plainToInstance(DTO_OF[kind], row.body, { enableImplicitConversion: false, exposeDefaultValues: true });
    // The DTOs have no async rules; the sync form spares a promise per rule on 50,000 rows.
    const invalid = flattenValidationErrors(validateSync(dto, {
      whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false },
    }));
    for (const { path, message } of invalid) {
      const field = columnForPath(kind, path)?.field ?? null;
      if (field !== null && unread.has(field)) continue;
      errors.push({ row: row.rowNumber, column: header(field), field, message: dtoMessage(message, language) });
      if (field !== null) unread.add(field);
    }
    if (kind === 'hours' && !unread.has('volunteerId') && !ID_PATTERN.test(row.params.volunteerId ?? '')) {
      errors.push(refuse('volunteerId', ROW_MESSAGES.noVolunteerId));
      unread.add('volunteerId');
    }

    // The same id twice in one file is a mistake the second row would only find as 409.
    const idField = kind === 'hours' ? 'entryId' : 'id';
    const id = kind === 'hours' ? row.body.entryId && `${row.params.volunteerId}/${String(row.body.entryId)}` : row.body.id;
    if (typeof id === 'string' && !unread.has(idField)) {
      const first = seenIds.get(id);
      if (first !== undefined) errors.push(refuse(idField, ROW_MESSAGES.sameId(first)));
      else {
        seenIds.set(id, row.rowNumber);
        if (kind !== 'hours' && await this.idTaken(kind, id, hash, row)) errors.push(refuse('id', ROW_MESSAGES.idTaken(id)));
      }
    }
    errors.push(...await this.checkReferences(kind, row, principal, refuse, unread));
    if (errors.length === 0) row.body = dto as Record<string, unknown>; // as the API's pipe hands it on: defaults filled in
    return errors;
  }

  /**
   * Whether the row's own id names an entity recorded already — other than by this very row of this file (a re-upload,
   * or this job resumed), which replays. Checked before recording so an all-or-nothing file records nothing.
   */
  private async idTaken(kind: ImportKind, id: string, hash: string, row: ConvertedRow): Promise<boolean> {
    const taken = kind === 'donations'
      ? (await this.store.lookupUniqueKey(donationKey(id))) !== undefined
      : (await this.executor.streamRevision(kind === 'activities' ? streams.activity(id) : streams.volunteer(id))) >= 0;
    return taken && !(await this.store.getIdempotencyRecord(rowIdempotencyKey(hash, kind, row.rowNumber)));
  }

  /** The units and entities the row names, each field not refused already. */
  private async checkReferences(
    kind: ImportKind, row: ConvertedRow, principal: Principal, refuse: (field: string | null, said: Said) => ImportRowError,
    unread: ReadonlySet<string>,
  ): Promise<ImportRowError[]> {
    const errors: ImportRowError[] = [];
    const orgUnitId = row.body.orgUnitId;
    if (typeof orgUnitId === 'string' && !unread.has('orgUnitId') && ID_PATTERN.test(orgUnitId)) {
      const unit = await this.executor.orgUnit(orgUnitId);
      if (!unit.exists) errors.push(refuse('orgUnitId', ROW_MESSAGES.noOrgUnit(orgUnitId)));
      else if (!inScope(principal, unit.orgPath)) errors.push(refuse('orgUnitId', ROW_MESSAGES.outOfScope(orgUnitId)));
    }
    const refs: [field: string, id: unknown, streamId: (id: string) => string, what: 'campaign' | 'activity' | 'volunteer'][] = [
      ['campaignId', row.body.campaignId, streams.campaign, 'campaign'],
      ['activityId', row.body.activityId, streams.activity, 'activity'],
      ['volunteerId', row.params.volunteerId, streams.volunteer, 'volunteer'],
    ];
    for (const [field, id, streamId, what] of refs) {
      if (typeof id !== 'string' || unread.has(field) || !ID_PATTERN.test(id)) continue;
      if (!(await this.exists(streamId(id)))) errors.push(refuse(field, ROW_MESSAGES.missing(what, id)));
    }
    return errors;
  }

  private readonly known = new Map<string, true>();

  /** Entities once recorded are never removed, so a stream seen is remembered (bounded) for the next rows. */
  private async exists(streamId: string): Promise<boolean> {
    if (this.known.has(streamId)) return true;
    const found = (await this.executor.streamRevision(streamId)) >= 0;
    if (found) {
      this.known.set(streamId, true);
      evictOldest(this.known, 100_000);
    }
    return found;
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
