/** What the adapters log through; Nest's Logger fits. */
export interface JobLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const SILENT_LOGGER: JobLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
