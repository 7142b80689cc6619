import 'reflect-metadata';
import { loadConfig, redactUrl, type LedgerConfig } from './config/config';
import { createApp } from './create-app';

/** Starts the API server on `config` and says where; `npm start` and `tongxin serve` both come here. */
export async function serve(config: LedgerConfig): Promise<void> {
  const { app, generatedAdminToken } = await createApp(config, ['error', 'warn']);
  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  process.stdout.write(`Tongxin Ledger serves ${url}/api/v1 (docs at ${url}/docs, dashboard at ${url}/) on ${redactUrl(config.storeUrl)}\n`);
  if (generatedAdminToken) {
    // Printed this once: only its SHA-256 is stored under the data directory.
    process.stdout.write(
      `\n  Admin token (shown once, keep it safe):\n\n    ${generatedAdminToken}\n\n` +
        `  Try: curl -H "Authorization: Bearer ${generatedAdminToken}" ${url}/api/v1/stats/totals\n\n`,
    );
  }
}

if (require.main === module) {
  serve(loadConfig()).catch((error: unknown) => {
    process.stderr.write(`Tongxin Ledger failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  });
}
