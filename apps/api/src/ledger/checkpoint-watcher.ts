import type { ProjectionTarget } from '@tongxin/projections';

/** What the query side needs from whoever keeps the read model current. */
export interface ProjectionProgress {
  /** Something was appended here: look now. */
  wake(): void;
  /** True once the read model includes `position`; false after `timeoutMs`. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean>;
}

/**
 * For an API process that does not project (TONGXIN_PROJECTIONS=off): another process moves the shared
 * read model's checkpoint, so a read-your-writes query polls it, and only while someone is waiting.
 */
export class CheckpointWatcher implements ProjectionProgress {
  constructor(private readonly target: Pick<ProjectionTarget, 'checkpoint'>, private readonly intervalMs = 10) {}

  wake(): void {
    // The worker polls the log itself; nothing to nudge from here.
  }

  async waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.target.checkpoint()) >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.intervalMs, Math.max(1, deadline - Date.now()))));
    }
  }
}
