/** The v1 API as the dashboard reads it: every figure on the page comes from these calls. */

export const API_BASE = '/api/v1';
const TOKEN_KEY = 'tongxin.token';

export interface Figures {
  activitiesHeld: number; participants: number; beneficiaries: number; materialsDistributed: number;
  volunteerParticipations: number; volunteerMinutesLogged: number; volunteerMinutesVerified: number; distinctVolunteers: number;
  moneyReceived: number; moneyRefunded: number; goodsValueReceived: number; fundsRaised: number; disbursed: number; donations: number;
  /** Goods handed out: distributions counted, their value in 分 where the donation states it, and the people reached. */
  goodsDistributions: number; goodsDistributedValue: number; distributionBeneficiaries: number;
}
export interface Totals extends Figures { position: number }
export interface BreakdownRow extends Figures { key: string | null; label: string }
export interface Breakdown { rows: BreakdownRow[]; position: number }
export interface OrgUnit { id: string; name: string; level: string; parentId: string | null; path: string[]; children: string[] }
export interface ActivityItem {
  id: string; orgUnitId: string; campaignId: string | null; title: string; category: string; venueType: string | null;
  occurredOn: string; participants: number; beneficiaries: number;
}
export interface ActivityList { activities: ActivityItem[]; next: string | null; position: number }
export interface Reconciliation {
  campaignId: string; moneyReceived: number; moneyRefunded: number; matched: number; bankTotal: number; difference: number;
  unmatchedDonations: unknown[]; unmatchedBankLines: unknown[]; statements: { statementId: string }[];
}

/** GET /me: the caller's role and the unit its scope starts at (null: the whole ledger). */
export interface Caller {
  tokenId: string; role: string; orgUnit: { id: string; name: string; level: string; path: string[] } | null;
}

export interface SummaryReport { lang: string; text: string; position: number }

/** A refusal from the API, with the problem+json `detail` when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, detail: string) {
    super(detail);
  }
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

function apiUrl(path: string, query: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, value);
  return `${API_BASE}${path}${search.size ? `?${search}` : ''}`;
}

/** A file the API answers (a report), saved by the browser under `fileName`; refusals throw as apiGet's do. */
export async function apiDownload(path: string, query: Record<string, string | undefined>, fileName: string): Promise<void> {
  const response = await fetch(apiUrl(path, query), { headers: { authorization: `Bearer ${storedToken() ?? ''}` } });
  if (!response.ok) await refusal(response);
  // The token travels in a header, so the file comes through fetch and is handed to the browser as a blob.
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

async function refusal(response: Response): Promise<never> {
  let problem: { detail?: string; title?: string } | undefined;
  try {
    problem = JSON.parse(await response.text());
  } catch {
    problem = undefined;
  }
  throw new ApiError(response.status, problem?.detail ?? problem?.title ?? `${response.status} ${response.statusText}`);
}

/** `GET /api/v1{path}?{query}` with the stored token; undefined and empty query values are left out. */
export async function apiGet<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const response = await fetch(apiUrl(path, query), { headers: { authorization: `Bearer ${storedToken() ?? ''}`, accept: 'application/json' } });
  if (!response.ok) await refusal(response);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
