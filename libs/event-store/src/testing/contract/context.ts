import type { EventStore, NewEvent } from '../../event-store';

/** What each part of the contract suite gets from the harness; every getter reads the current test's state. */
export interface ContractContext {
  store(): EventStore;
  canReopen(): boolean;
  /** Closes the current store and opens the same database again. */
  reopen(): Promise<EventStore>;
  /** A stream id unique to this test. */
  stream(name: string): string;
  /** An idempotency or unique key unique to this test. */
  key(name: string): string;
}

export function newEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { type, data, metadata: { actor: 'contract-suite', commandId: `cmd-${type}`, schemaVersion: 1 } };
}

export function events(count: number, type = 'Something'): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

/** Awaits a rejection and checks its class, returning the error for further checks. */
export async function rejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => { throw new Error(`expected ${type.name}, but the promise resolved`); },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

/**
 * Positions only promise to increase strictly and never repeat (KurrentDB's are byte offsets, with gaps), so
 * the suite checks that, never density.
 */
export function expectStrictlyIncreasing(positions: number[], above = 0): void {
  positions.forEach((position, index) => {
    expect(Number.isSafeInteger(position)).toBe(true);
    expect(position).toBeGreaterThan(index === 0 ? above : positions[index - 1]);
  });
}

export const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
