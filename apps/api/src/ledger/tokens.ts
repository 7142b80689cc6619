/** Injection tokens for the ports the API depends on. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_MODEL = Symbol('READ_MODEL');
/** The projection runner (TONGXIN_PROJECTIONS=inline), or a checkpoint watcher when another process projects. */
export const PROJECTION_PROGRESS = Symbol('PROJECTION_PROGRESS');
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
