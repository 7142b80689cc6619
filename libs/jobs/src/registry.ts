import type { JobName } from './job-names';
import type { JobProcessor } from './processor';

type Listener = (name: JobName) => void;

/**
 * Which processor runs each job name. Feature modules register theirs (e.g. in `onModuleInit`); the runner of this
 * process (in-process, or the BullMQ workers) starts serving a name once it is registered.
 */
export class JobProcessorRegistry {
  private readonly processors = new Map<JobName, JobProcessor<any, any>>();
  private readonly listeners = new Set<Listener>();

  /** @param options.replace lets a test swap a processor in; otherwise registering a name twice is a mistake. */
  register<P, R>(name: JobName, processor: JobProcessor<P, R>, options: { replace?: boolean } = {}): void {
    if (this.processors.has(name) && !options.replace) throw new Error(`a processor for job "${name}" is registered already`);
    this.processors.set(name, processor);
    for (const listener of this.listeners) listener(name);
  }

  get(name: JobName): JobProcessor<unknown, unknown> | undefined {
    return this.processors.get(name);
  }

  names(): JobName[] {
    return [...this.processors.keys()];
  }

  /** Called for every name registered from now on; returns the unsubscribe. */
  onRegister(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
