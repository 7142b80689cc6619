import { sendUntilAnswered, type Answer, type CommandResponse, type LedgerProcess } from './processes';

/** One write a client makes, with what it adds to the totals once it lands. */
export interface PlannedWrite {
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string;
  adds: { activitiesHeld?: number; participants?: number; donations?: number; moneyReceived?: number; volunteerParticipations?: number; volunteerMinutesLogged?: number };
}

export interface Acknowledged { write: PlannedWrite; response: CommandResponse; via: string }

/**
 * Sends a write until it is answered (same Idempotency-Key on every attempt), also retrying a 409
 * CONCURRENT_CHANGE: the API appended nothing then, it only lost a race for the stream too often.
 */
export async function writeUntilAcknowledged(target: () => LedgerProcess, write: PlannedWrite): Promise<Answer> {
  let unanswered = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const answer = await sendUntilAnswered(target, write.path, write.body, { 'idempotency-key': write.idempotencyKey });
    unanswered += answer.unanswered ?? 0;
    if (answer.status === 201 || answer.status === 200) return { ...answer, unanswered };
    if (answer.status !== 409 || answer.body?.code !== 'CONCURRENT_CHANGE') {
      throw new Error(`POST ${write.path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
  throw new Error(`POST ${write.path} lost the race 50 times`);
}

/** Client `c`'s n-th write: a new activity (its own stream), a donation (the shared campaign stream) or hours (its volunteer's stream). */
export function plannedWrite(client: number, n: number, ids: { villages: string[]; campaignId: string }): PlannedWrite {
  const village = ids.villages[(client + n) % ids.villages.length];
  const key = `c${client}-w${n}`;
  switch (n % 3) {
    case 0: {
      const participants = 1 + ((client * 31 + n * 7) % 90);
      return {
        path: '/activities', idempotencyKey: key, adds: { activitiesHeld: 1, participants },
        body: { id: `act-${key}`, orgUnitId: village, campaignId: ids.campaignId, title: '民族团结进步宣讲', category: 'lecture', occurredOn: '2026-06-01', participants },
      };
    }
    case 1: {
      const amount = 100 * (1 + ((client * 13 + n) % 500));
      return {
        path: '/donations', idempotencyKey: key, adds: { donations: 1, moneyReceived: amount },
        body: { id: `don-${key}`, campaignId: ids.campaignId, orgUnitId: village, donor: { name: '爱心企业', kind: 'organisation' }, kind: 'money', amount, receivedOn: '2026-06-02', method: 'bank_transfer' },
      };
    }
    default: {
      const minutes = 30 + ((client * 17 + n) % 240);
      return {
        path: `/volunteers/vol-c${client}/hours`, idempotencyKey: key, adds: { volunteerParticipations: 1, volunteerMinutesLogged: minutes },
        // One entry a day per volunteer: a day holds at most 1440 minutes.
        body: { entryId: `entry-${key}`, servedOn: `2026-06-${String(1 + Math.floor(n / 3) % 28).padStart(2, '0')}`, minutes },
      };
    }
  }
}

export function expectedFigures(writes: readonly PlannedWrite[]): Record<string, number> {
  const sum: Record<string, number> = { activitiesHeld: 0, participants: 0, donations: 0, moneyReceived: 0, volunteerParticipations: 0, volunteerMinutesLogged: 0 };
  for (const write of writes) for (const [figure, value] of Object.entries(write.adds)) sum[figure] += value!;
  return sum;
}

/** The city → two counties → four villages tree and a campaign, through one process. */
export async function seedTree(proc: LedgerProcess, clients: number): Promise<{ villages: string[]; campaignId: string }> {
  const must = async (path: string, body: unknown) => {
    const answer = await proc.post(path, body);
    if (answer.status !== 201) throw new Error(`seed ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  await must('/org-units', { id: 'city', name: '怀化市', level: 'city' });
  for (const county of ['k1', 'k2']) await must('/org-units', { id: county, name: `县${county}`, level: 'county', parentId: 'city' });
  const villages = ['v1', 'v2', 'v3', 'v4'];
  for (const [index, village] of villages.entries()) {
    await must('/org-units', { id: village, name: `村${village}`, level: 'village', parentId: index < 2 ? 'k1' : 'k2' });
  }
  await must('/campaigns', { id: 'camp', name: '民族团结进步月', orgUnitId: 'city' });
  for (let client = 0; client < clients; client++) {
    await must('/volunteers', { id: `vol-c${client}`, orgUnitId: villages[client % villages.length], name: `志愿者${client}` });
  }
  return { villages, campaignId: 'camp' };
}
