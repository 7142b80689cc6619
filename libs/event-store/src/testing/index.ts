export { describeEventStoreContract, type ContractFixture } from './event-store.contract';
export { createTestDatabase, type TestDatabase } from './postgres-database';
