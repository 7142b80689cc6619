/** Injection tokens for the ports the API depends on. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_MODEL = Symbol('READ_MODEL');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
