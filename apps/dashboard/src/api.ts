/** The v1 API as the dashboard reads it: every figure on the page comes from these calls. */

export const API_BASE = '/api/v1';
const TOKEN_KEY = 'tongxin.token';

export interface Figures {
  activitiesHeld: number; participants: number; beneficiaries: number; materialsDistributed: number;
  volunteerParticipations: number; volunteerMinutesLogged: number; volunteerMinutesVerified: number; distinctVolunteers: number;
  moneyReceived: number; moneyRefunded: number; goodsValueReceived: number; fundsRaised: number; disbursed: number; donations: number;
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

/** `GET /api/v1{path}?{query}` with the stored token; undefined and empty query values are left out. */
export async function apiGet<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, value);
  const url = `${API_BASE}${path}${search.size ? `?${search}` : ''}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${storedToken() ?? ''}`, accept: 'application/json' } });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const problem = body as { detail?: string; title?: string } | undefined;
    throw new ApiError(response.status, problem?.detail ?? problem?.title ?? `${response.status} ${response.statusText}`);
  }
  return body as T;
}
