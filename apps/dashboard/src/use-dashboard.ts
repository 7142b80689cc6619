/** The dashboard's state and its reads: one load per change of filter or org unit, the last one wins. */
import { computed, reactive, ref, shallowRef } from 'vue';
import {
  ApiError, apiDownload, apiGet, type ActivityList, type Breakdown, type Caller, type OrgUnit, type Reconciliation, type SummaryReport,
  type Totals,
} from './api';
import { localToInstant } from './format';

export const DIMENSIONS = ['month', 'orgUnit', 'campaign', 'category', 'venueType'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A step of the drill-down: an org unit, or (id undefined) the caller's whole scope. */
export interface TrailStep { id: string | undefined; name: string | null; level?: string }

/** `lang`: the page's language, which the summary report is written in. */
export function useDashboard(onUnauthorized: (message: string) => void, lang: () => string) {
  const filters = reactive({ campaignId: '', from: '', to: '', asOf: '' });
  const trail = ref<TrailStep[]>([{ id: undefined, name: null }]);
  const totals = shallowRef<Totals | null>(null);
  const breakdowns = shallowRef<Partial<Record<Dimension, Breakdown>>>({});
  const activities = shallowRef<ActivityList | null>(null);
  const reconciliation = shallowRef<Reconciliation | null>(null);
  const summary = shallowRef<SummaryReport | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** Names seen in answers, for the activity table's org unit and campaign columns and the campaign picker. */
  const orgNames = reactive(new Map<string, string>());
  const campaignNames = reactive(new Map<string, string>());
  /** Units known to have units below them (a unit never loses one); the others are asked again on each load. */
  const parents = shallowRef<ReadonlySet<string>>(new Set());
  const unitId = computed(() => trail.value[trail.value.length - 1].id);
  let sequence = 0;

  const query = () => ({
    orgUnitId: unitId.value, campaignId: filters.campaignId || undefined, from: filters.from || undefined,
    to: filters.to || undefined, asOf: localToInstant(filters.asOf),
  });

  function failed(caught: unknown): void {
    if (caught instanceof ApiError && caught.status === 401) onUnauthorized(caught.message);
    else error.value = caught instanceof Error ? caught.message : String(caught);
  }

  /** Reads every figure on the page for the current filters; answers of an older load are dropped. */
  async function load(): Promise<void> {
    const mine = ++sequence;
    loading.value = true;
    error.value = null;
    try {
      const filter = query();
      const [total, list, recon, report, ...rows] = await Promise.all([
        apiGet<Totals>('/stats/totals', filter),
        apiGet<ActivityList>('/activities', { ...filter, limit: '20' }),
        loadReconciliation(filter.campaignId),
        apiGet<SummaryReport>('/reports/summary', { ...filter, format: 'json', lang: lang() }),
        ...DIMENSIONS.map((by) => apiGet<Breakdown>('/stats/breakdown', { ...filter, by })),
      ]);
      if (mine !== sequence) return;
      const byDimension = Object.fromEntries(DIMENSIONS.map((by, index) => [by, rows[index]])) as Record<Dimension, Breakdown>;
      for (const row of byDimension.orgUnit.rows) if (row.key && row.key !== unitId.value) orgNames.set(row.key, row.label);
      for (const row of byDimension.campaign.rows) if (row.key) campaignNames.set(row.key, row.label);
      const withChildren = await findParents(byDimension.orgUnit.rows.flatMap((row) => (row.key && row.key !== unitId.value ? [row.key] : [])));
      if (mine !== sequence) return;
      parents.value = withChildren;
      totals.value = total;
      breakdowns.value = byDimension;
      activities.value = list;
      reconciliation.value = recon;
      summary.value = report;
      await nameUnits(list.activities.map((activity) => activity.orgUnitId));
    } catch (caught) {
      if (mine === sequence) failed(caught);
    } finally {
      if (mine === sequence) loading.value = false;
    }
  }

  /** Only when a campaign is chosen and it has a bank statement; a refusal (403, 404) just hides the panel. */
  async function loadReconciliation(campaignId: string | undefined): Promise<Reconciliation | null> {
    if (!campaignId) return null;
    try {
      const answer = await apiGet<Reconciliation>('/reconciliation', { campaignId });
      return answer.statements.length > 0 ? answer : null;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) throw caught;
      return null;
    }
  }

  /** The summary again, in the page's language now (after the language switch). */
  async function loadSummary(): Promise<void> {
    const mine = sequence;
    try {
      const report = await apiGet<SummaryReport>('/reports/summary', { ...query(), format: 'json', lang: lang() });
      if (mine === sequence) summary.value = report;
    } catch (caught) {
      failed(caught);
    }
  }

  /** The totals workbook (every breakdown, one sheet each) for the filters and unit shown. */
  async function downloadWorkbook(fileName: string): Promise<void> {
    try {
      await apiDownload('/reports/totals.xlsx', query(), fileName);
    } catch (caught) {
      failed(caught);
    }
  }

  /** The next page of the activity table, after the last row shown. */
  async function moreActivities(): Promise<void> {
    const shown = activities.value;
    if (!shown?.next) return;
    const mine = sequence;
    try {
      const page = await apiGet<ActivityList>('/activities', { ...query(), limit: '20', before: shown.next });
      if (mine !== sequence) return;
      await nameUnits(page.activities.map((activity) => activity.orgUnitId));
      activities.value = { ...page, activities: [...shown.activities, ...page.activities] };
    } catch (caught) {
      failed(caught);
    }
  }

  /** Which of these units have units below them: only those get a drill-down arrow. */
  async function findParents(ids: string[]): Promise<ReadonlySet<string>> {
    const known = parents.value;
    const units = await Promise.all(ids.filter((id) => !known.has(id)).map((id) => apiGet<OrgUnit>(`/org-units/${encodeURIComponent(id)}`).catch(() => null)));
    return new Set([...known, ...units.flatMap((unit) => (unit && unit.children.length > 0 ? [unit.id] : []))]);
  }

  async function nameUnits(ids: string[]): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !orgNames.has(id));
    const units = await Promise.all(unknown.map((id) => apiGet<OrgUnit>(`/org-units/${encodeURIComponent(id)}`).catch(() => null)));
    for (const unit of units) if (unit) orgNames.set(unit.id, unit.name);
  }

  /**
   * First load, for the token signed in: a token bound to a unit opens on that unit, named; a token over the whole
   * ledger opens on its single root (a city) when it has one, rather than on an unnamed scope.
   */
  async function start(): Promise<void> {
    try {
      const me = await apiGet<Caller>('/me');
      const home = me.orgUnit ?? (await singleRoot());
      trail.value = [home ? { id: home.id, name: home.name, level: home.level } : { id: undefined, name: null }];
      if (home) orgNames.set(home.id, home.name);
    } catch (caught) {
      failed(caught);
      return;
    }
    await load();
  }

  async function singleRoot(): Promise<OrgUnit | null> {
    const roots = (await apiGet<Breakdown>('/stats/breakdown', { by: 'orgUnit' })).rows.filter((row) => row.key !== null);
    if (roots.length !== 1) return null;
    const unit = await apiGet<OrgUnit>(`/org-units/${encodeURIComponent(roots[0].key!)}`);
    return unit.parentId === null ? unit : null;
  }

  /** Into a child unit of the one shown: the whole page re-reads under it. */
  async function drill(childId: string | null): Promise<void> {
    if (!childId || childId === unitId.value) return;
    try {
      const unit = await apiGet<OrgUnit>(`/org-units/${encodeURIComponent(childId)}`);
      trail.value = [...trail.value, { id: unit.id, name: unit.name, level: unit.level }];
      orgNames.set(unit.id, unit.name);
    } catch (caught) {
      failed(caught);
      return;
    }
    await load();
  }

  async function up(index: number): Promise<void> {
    if (index >= trail.value.length - 1) return;
    trail.value = trail.value.slice(0, index + 1);
    await load();
  }

  return {
    filters, trail, unitId, totals, breakdowns, activities, reconciliation, summary, loading, error, orgNames, campaignNames, parents,
    start, load, drill, up, moreActivities, loadSummary, downloadWorkbook,
  };
}
