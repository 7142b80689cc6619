/** Injection tokens for the ports the API depends on. */
/** The event store as commands and history use it: personal data sealed on append and opened on read. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The same log without sealing, for the projections (no figure needs a name or a phone). */
export const RAW_EVENT_STORE = Symbol('RAW_EVENT_STORE');
/** Each person's key (crypto-shredding), in the vault apart from the events. */
export const KEY_STORE = Symbol('KEY_STORE');
export const READ_MODEL = Symbol('READ_MODEL');
/** The projection runner (TONGXIN_PROJECTIONS=inline), or a checkpoint watcher when another process projects. */
export const PROJECTION_PROGRESS = Symbol('PROJECTION_PROGRESS');
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
