export { describeEventStoreContract, type ContractFixture } from './event-store.contract';
