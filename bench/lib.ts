import type { NewEvent } from '../libs/event-store/src/event-store';

/** Shared shape of benchmark figures: every figure is recorded beside a raw baseline from the same run. */
export interface BenchFigure {
  /** What was measured, one line. */
  name: string;
  /** The project's figure, in `unit`. */
  value: number;
  unit: string;
  /** The raw baseline doing the same work in the same process, in `unit`. */
  baseline?: number;
  /** value / baseline for throughputs (or baseline / value for durations), when a baseline exists. */
  ratio?: number;
  /** Human-readable target, e.g. ">= 0.8x raw". */
  target?: string;
  met?: boolean;
  /** Anything a reader needs: batch sizes, peak RSS, why a target is missed. */
  notes?: string;
}

export function throughputRatio(value: number, baseline: number): number {
  return Math.round((value / baseline) * 100) / 100;
}

/** Peak resident set size of this process so far, in MiB (Linux: VmHWM). */
export function peakRssMiB(): number {
  try {
    const status = require('node:fs').readFileSync('/proc/self/status', 'utf8') as string;
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (match) return Math.round(Number(match[1]) / 1024);
  } catch {
    /* not Linux: fall back to the current RSS */
  }
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}

export function formatRate(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A realistic event: an activity record with the metadata every event carries (both append benches use it). */
export function activityEvent(index: number): NewEvent {
  return {
    type: 'ActivityRecorded',
    data: {
      activityId: `act-${index}`, orgUnitId: 'gaocun', orgPath: ['huaihua', 'mayang', 'gaocun'], campaignId: 'c1',
      title: '民族团结进步宣讲', category: 'lecture', venueType: 'community', occurredOn: '2026-05-01', participants: 42, beneficiaries: 10,
    },
    metadata: { actor: 'officer-7', commandId: `cmd-${index}`, correlationId: `req-${index}`, orgUnitId: 'gaocun', schemaVersion: 1 },
  };
}
