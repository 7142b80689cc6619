export { type SubjectKeyStore, SubjectErasedError } from './subject-key-store';
export { SqliteKeyStore } from './sqlite-key-store';
export { PostgresKeyStore, DEFAULT_VAULT_SCHEMA, VAULT_SCHEMA_LOCK } from './postgres-key-store';
export { openKeyStore, defaultVaultLocation, DEFAULT_VAULT_FILE } from './open-key-store';
export { seal, unseal, isSealed, SealBrokenError, SEAL_FORMAT } from './seal';
export { PERSONAL_DATA, personalDataRule, volunteerSubject, donorSubject, bankStatementSubject, type PersonalDataRule } from './personal-data';
export { SealingEventStore, SEALED_FIELD, ERASED_FIELD, isErased } from './sealing-event-store';
