/**
 * Given/When/Then for deciders (after Emmett's DeciderSpecification). Every state, event and command is
 * deep-frozen on the way in, so an `evolve` or `decide` that mutates its input fails the spec.
 */
import { type Decider, fold } from '../decider';
import { DomainError, type DomainErrorCode } from '../errors';

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Folds with every intermediate state frozen. */
export function foldFrozen<C, E, S>(decider: Decider<C, E, S>, events: E[]): S {
  let state = deepFreeze(decider.initialState());
  for (const event of events) state = deepFreeze(decider.evolve(state, deepFreeze(event)));
  return state;
}

export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(events: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(deepFreeze(command), foldFrozen(decider, events));
          return {
            then(expected: E[]): void {
              expect(run()).toEqual(expected);
            },
            thenNothing(): void {
              expect(run()).toEqual([]);
            },
            thenThrows(code: DomainErrorCode, field?: string): void {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught).toBeInstanceOf(DomainError);
              const { code: actualCode, field: actualField } = caught as DomainError;
              expect({ code: actualCode, field: actualField }).toEqual({ code, field });
            },
          };
        },
        /** The folded state, for evolve specs. */
        state(): S {
          return foldFrozen(decider, events);
        },
      };
    },
  };
}

/** Evolving must not touch the state it is given: the API caches folded states. */
export function expectEvolveLeavesInputUnchanged<C, E, S>(decider: Decider<C, E, S>, given: E[], event: E): void {
  const before = fold(decider, given);
  const snapshot = structuredClone(before);
  const after = decider.evolve(before, event);
  expect(before).toEqual(snapshot);
  expect(after).not.toBe(before);
}

/**
 * How many times evolving `event` looks into the collections `grown` names on `state` (property reads, key listings):
 * a few for a persistent collection, one or more per element for a copied one. A behavioural check that a long
 * stream's events do not copy what came before, whatever the machine's speed.
 */
export function looksIntoCollections<C, E, S>(decider: Decider<C, E, S>, state: S, grown: (keyof S)[], event: E): number {
  let looks = 0;
  const counted = (target: object): object => new Proxy(target, {
    get: (on, key, receiver) => { looks++; return Reflect.get(on, key, receiver); },
    ownKeys: (on) => { looks++; return Reflect.ownKeys(on); },
    getOwnPropertyDescriptor: (on, key) => { looks++; return Reflect.getOwnPropertyDescriptor(on, key); },
  });
  const watched = { ...state };
  for (const key of grown) watched[key] = counted(state[key] as object) as S[keyof S];
  decider.evolve(watched, event);
  return looks;
}
