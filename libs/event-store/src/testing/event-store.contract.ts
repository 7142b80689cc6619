import { randomUUID } from 'node:crypto';
import type { EventStore } from '../event-store';
import { appendContract } from './contract/append.contract';
import { concurrencyContract } from './contract/concurrency.contract';
import { conditionsContract } from './contract/conditions.contract';
import type { ContractContext } from './contract/context';
import { durabilityContract } from './contract/durability.contract';
import { idempotencyContract } from './contract/idempotency.contract';
import { importContract } from './contract/import.contract';
import { readContract } from './contract/read.contract';

export interface ContractFixture {
  store: EventStore;
  /** Opens the same database again (after the suite closed `store`); durability tests need it. */
  reopen?: () => Promise<EventStore>;
  /** Drops whatever `open` created. The suite closes its stores before calling it. */
  cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** False where conditions on other streams are checked before the append rather than with it (KurrentDB). */
  atomicConditions?: boolean;
}

/**
 * The one contract every EventStore adapter passes, unchanged. `open` runs before each test. Tests never
 * assume an empty log: they name their streams and keys with a per-test suffix and measure positions from
 * the head they found, so an adapter may hand out a shared database (a KurrentDB cluster cannot be wiped).
 * They do assume nobody else writes to it during a test.
 */
export function describeEventStoreContract(adapterName: string, open: () => Promise<ContractFixture>, options: ContractOptions = {}): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let fixture: ContractFixture;
    let current: EventStore;
    let unclosed: EventStore[] = [];
    let suffix = '';

    beforeEach(async () => {
      fixture = await open();
      current = fixture.store;
      unclosed = [current];
      suffix = randomUUID().slice(0, 8);
    });

    afterEach(async () => {
      for (const store of unclosed) await store.close().catch(() => undefined);
      await fixture.cleanup();
    });

    const context: ContractContext = {
      store: () => current,
      canReopen: () => fixture.reopen !== undefined,
      async reopen() {
        if (!fixture.reopen) throw new Error('this fixture cannot reopen');
        await current.close();
        unclosed = unclosed.filter((store) => store !== current);
        current = await fixture.reopen();
        unclosed.push(current);
        return current;
      },
      stream: (name) => `${name}-${suffix}`,
      key: (name) => `${name}:${suffix}`,
    };

    describe('appending', () => appendContract(context));
    describe('reading', () => readContract(context));
    describe('idempotency', () => idempotencyContract(context));
    describe('concurrency', () => concurrencyContract(context));
    describe('conditions on other streams', () => conditionsContract(context, options.atomicConditions ?? true));
    describe('durability', () => durabilityContract(context));
    describe('importing a history (recordedAt given)', () => importContract(context));
  });
}
