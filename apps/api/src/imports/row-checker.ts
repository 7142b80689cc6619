/**
 * Checking one import row as the API would, before anything is recorded: its cells, its DTO (the endpoint's own, so the
 * rules are the API's), its ids, and the units and entities it names — every problem of the row at once.
 */
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { streams } from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import { columnForPath, rowIdempotencyKey, type ConvertedRow, type HeaderLanguage, type ImportKind } from '@tongxin/imports';
import { RecordActivityDto } from '../activities/activity.dto';
import { inScope } from '../auth/access';
import type { Principal } from '../auth/principal';
import { ReceiveDonationDto } from '../donations/donation.dto';
import { donationKey } from '../donations/receive-donation.handler';
import { flattenValidationErrors } from '../http/validation';
import { ID_PATTERN } from '../http/validators';
import { evictOldest } from '../ledger/bounded-map';
import type { CommandExecutor } from '../ledger/command-executor';
import { LogHoursDto, RegisterVolunteerDto } from '../volunteers/volunteer.dto';
import type { ImportRowError } from './import.processor';
import { dtoMessage, ROW_MESSAGES, type Said } from './row-messages';

/** A field's header as written in the uploaded file. */
export type HeaderOf = (field: string | null) => string | null;

const DTO_OF: Record<ImportKind, new () => object> = {
  activities: RecordActivityDto,
  volunteers: RegisterVolunteerDto,
  hours: LogHoursDto,
  donations: ReceiveDonationDto,
};

export class ImportRowChecker {
  constructor(private readonly executor: CommandExecutor, private readonly store: EventStore) {}

  /**
   * Every problem of the row at once, as the API would find them: its cells, its DTO, its ids, and the units and
   * entities it names. A field whose cell could not be read is left out of the later checks, not reported twice.
   */
  async check(
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
}
