import { Presets, SingleBar } from 'cli-progress';

/** What a long command reports as it goes; `done` may be passed in any unit the total is in. */
export interface Progress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { start: () => undefined, update: () => undefined, stop: () => undefined };

/**
 * A bar on stderr, only when stderr is a terminal: stdout may be the export itself, and a log file or a
 * pipe should not fill with redraws.
 */
export function progressBar(label: string, unit: 'events' | 'bytes', enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return NO_PROGRESS;
  const value = unit === 'bytes' ? '{value_mb}/{total_mb} MB' : 'position {value}/{total}';
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | ${value} | ETA {eta_formatted}`, stream, hideCursor: true, etaBuffer: 50 },
    Presets.shades_classic,
  );
  const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
  let total = 0;
  return {
    start(t) {
      total = t;
      bar.start(t, 0, unit === 'bytes' ? { value_mb: mb(0), total_mb: mb(t) } : {});
    },
    update(done) {
      bar.update(Math.min(done, total), unit === 'bytes' ? { value_mb: mb(done), total_mb: mb(total) } : {});
    },
    stop: () => bar.stop(),
  };
}
