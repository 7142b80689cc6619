import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import {
  campaignDecider, proposeMatches, reconciliationDecider, streams, type MatchMethod, type ProposedMatch, type UnresolvedLine,
} from '@tongxin/domain';
import { readBankStatement, type HeaderLanguage, type SheetFormat, type SkippedBankLine } from '@tongxin/imports';
import { JobProcessorRegistry, PermanentJobError, type JobContext, type JobProcessor } from '@tongxin/jobs';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { ProblemFilter } from '../http/problem.filter';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import { AutoMatchCommand } from './auto-match.handler';
import { RecordBankStatementCommand } from './record-bank-statement.handler';

/** What POST /bank-statements queues: the file (base64), its campaign, and who sent it. */
export interface ReconcilePayload {
  campaignId: string;
  format: SheetFormat;
  fileName: string;
  /** SHA-256 of the file: the statement's id is made of it. */
  hash: string;
  file: string;
  principal: Principal;
  /** From the upload's Accept-Language: the language of a file problem when its headers tell none. */
  language?: HeaderLanguage;
}

export interface ReconcileResult {
  campaignId: string;
  statementId: string;
  /** False when this statement was recorded before (the same file): nothing new was recorded for it. */
  recorded: boolean;
  /** Credit lines read from the file. */
  lines: number;
  /** Rows that are no receipt (debits, zero amounts), not recorded. */
  skipped: SkippedBankLine[];
  /** Lines an earlier statement of the campaign holds already (same reference, date and amount), not recorded again. */
  duplicates: number;
  /** Matches this run recorded, by pass. */
  matched: Record<Exclude<MatchMethod, 'manual'>, number>;
  /** Every line of the campaign still unmatched after this run, with why. */
  unmatched: UnresolvedLine[];
}

/**
 * A statement's lines go in one event, and KurrentDB takes appends of up to 1 MiB by default: 5,000 lines (~400 KB
 * with the sealed payer names) is a busy receiving account's month; a longer statement is sent in parts.
 */
export const MAX_STATEMENT_LINES = 5_000;
/** Matches appended at once; progress is reported after each batch. */
const MATCH_BATCH = 100;

/** The statement id: the same file is the same statement. 32 hex digits (128 bits) of its hash. */
export const statementIdOf = (hash: string): string => `bank-${hash.slice(0, 32).toLowerCase()}`;

/**
 * The `reconcile` job: records the statement, then matches its lines (and any line still open from earlier statements)
 * to the campaign's money donations, pass by pass (libs/domain reconciliation/matching.ts), as the uploader. Safe to
 * re-run: the statement is recorded once, and matches are proposed from, and checked against, what the stream holds.
 */
@Injectable()
export class ReconcileProcessor implements JobProcessor<ReconcilePayload, ReconcileResult>, OnModuleInit {
  private readonly problems = new ProblemFilter();

  constructor(
    private readonly registry: JobProcessorRegistry,
    private readonly commandBus: CommandBus,
    private readonly executor: CommandExecutor,
  ) {}

  onModuleInit(): void {
    this.registry.register('reconcile', this);
  }

  async process(payload: ReconcilePayload, job: JobContext): Promise<ReconcileResult> {
    const { campaignId, principal } = payload;
    // 1. Read the whole statement first: one bad row and nothing is recorded, since a partial statement would
    //    misstate the bank's total.
    const parsed = await readBankStatement(Buffer.from(payload.file, 'base64'), payload.format, { language: payload.language });
    if (!parsed.ok) {
      throw new PermanentJobError('The file cannot be read as a bank statement; nothing was recorded.', {
        errors: parsed.problems.map((p) => ({ line: null, column: p.column, field: null, message: p.message, code: p.code })),
      });
    }
    if (parsed.errors.length > 0) {
      throw new PermanentJobError(`${new Set(parsed.errors.map((e) => e.line)).size} lines are invalid; nothing was recorded.`, { errors: parsed.errors });
    }
    if (parsed.lines.length > MAX_STATEMENT_LINES) {
      throw new PermanentJobError(`The statement has ${parsed.lines.length} credit lines; split it into files of at most ${MAX_STATEMENT_LINES}.`);
    }
    const total = parsed.lines.length;
    await job.progress(0, total);
    const ctx = (): CommandContext => ({ principal, commandId: randomUUID(), correlationId: job.jobId });

    // 2. Record it (nothing when recorded before).
    const statementId = statementIdOf(payload.hash);
    const before = await this.executor.load(streams.reconciliation(campaignId), reconciliationDecider);
    const recorded = !before.state.statements.has(statementId);
    await this.run(new RecordBankStatementCommand({ statementId, campaignId, fileName: payload.fileName, lines: parsed.lines }, ctx()));

    // 3. Propose every match at once (a pass must see every line and donation to know a candidate is the only one),
    //    then record them in batches; each batch keeps only what still holds on the stream.
    const { state: campaign } = await this.executor.load(streams.campaign(campaignId), campaignDecider);
    const reconciliation = await this.executor.load(streams.reconciliation(campaignId), reconciliationDecider);
    const { matches } = proposeMatches(reconciliation.state, campaign.donations.values());
    // Progress counts this statement's lines decided: matched before, left unmatched, or matched by a batch.
    let done = total - matches.filter((m) => m.statementId === statementId).length;
    await job.progress(done, total);
    const counted: ReconcileResult['matched'] = { reference: 0, 'amount-date': 0, counterparty: 0 };
    for (let start = 0; start < matches.length; start += MATCH_BATCH) {
      const batch: ProposedMatch[] = matches.slice(start, start + MATCH_BATCH);
      await this.run(new AutoMatchCommand(campaign, batch, ctx()));
      done += batch.filter((m) => m.statementId === statementId).length;
      await job.progress(Math.min(done, total), total);
    }
    // 4. What the stream says now: the counts of this run, and every line left for an organiser.
    const after = await this.executor.load(streams.reconciliation(campaignId), reconciliationDecider);
    for (const event of after.events.slice(reconciliation.revision + 1)) {
      if (event.type === 'DonationMatched' && event.metadata.correlationId === job.jobId) {
        counted[event.data.by as keyof ReconcileResult['matched']]++;
      }
    }
    await job.progress(total, total);
    return {
      campaignId, statementId, recorded, lines: total, skipped: parsed.skipped,
      duplicates: total - (after.state.statements.get(statementId)?.lines.length ?? total),
      matched: counted,
      unmatched: proposeMatches(after.state, campaign.donations.values()).unresolved,
    };
  }

  /** A refusal (the campaign out of the uploader's scope, a rule) is no transient failure: no retry can cure it. */
  private async run(command: Command<CommandResult>): Promise<CommandResult> {
    try {
      return await this.commandBus.execute<Command<CommandResult>, CommandResult>(command);
    } catch (error) {
      const { body } = this.problems.toProblem(error);
      if (body.status >= 500 || body.code === 'CONCURRENT_CHANGE') throw error;
      throw new PermanentJobError(`The statement was refused: ${body.detail}`, { code: body.code ?? null, status: body.status });
    }
  }
}
