export { LedgerReadModel, openReadModel, type LedgerReadModelPort, type ProjectionTarget } from './read-model';
export { openLedgerReadModel } from './open-read-model';
export type { PostgresReadModel } from './postgres/postgres-read-model';
export { ProjectionRunner, type ProjectionRunnerOptions } from './runner';
export { LedgerProjection } from './apply';
export { READ_MODEL_VERSION, PROJECTION_NAME } from './schema';
export { CATEGORY_LABELS, VENUE_TYPE_LABELS, NO_DIMENSION_LABEL } from './labels';
export {
  BREAKDOWN_DIMENSIONS, emptyFigures, type Breakdown, type BreakdownDimension, type BreakdownRow, type Figures,
  type OrgUnitView, type Totals, type TotalsFilter,
} from './types';
export { rebuildReadModel, PROJECTIONS, type RebuildOptions, type RebuildSummary } from './rebuild';
export { verifyReadModel, type RowDifference, type VerifyOptions, type VerifyResult } from './verify';
export { replayLog, type ReplayProgress } from './replay';
export {
  CHANGE_KINDS, DEFAULT_CHANGES_LIMIT, type ChangeKind, type ChangeView, type ChangesFilter, type ChangesPage,
} from './changes';
