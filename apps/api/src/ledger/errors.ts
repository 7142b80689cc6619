/** Application-level failures of a command, mapped to HTTP by the problem filter. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(readonly streamId: string, readonly expected: number, readonly actual: number) {
    super(`stream ${streamId} is at revision ${actual}, not ${expected} as If-Match asked`);
  }
}

/** Optimistic retries were exhausted under heavy contention on one stream. */
export class ContentionError extends Error {
  override readonly name = 'ContentionError';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} kept changing while the command was decided; try again`);
  }
}

export class ReadModelLaggingError extends Error {
  override readonly name = 'ReadModelLaggingError';
  constructor(readonly minPosition: number, readonly checkpoint: number) {
    super(`the read model is at position ${checkpoint}, not yet at ${minPosition}`);
  }
}
