import { loadConfig } from '../../api/src/config/config';
import { serve as serveApi } from '../../api/src/main';

/** The API server, as `npm start` runs it, with the store, port and host from the command line. */
export function serve(options: { storeUrl?: string; port: number; host: string }): Promise<void> {
  return serveApi(loadConfig(process.env, { ...(options.storeUrl ? { storeUrl: options.storeUrl } : {}), port: options.port, host: options.host }));
}
