/**
 * Published on the in-process EventBus after an append commits. It only wakes the projection runner
 * early; the runner's delivery path is the global log from its stored checkpoint, never this message.
 */
export class LedgerAppended {
  constructor(readonly position: number) {}
}
