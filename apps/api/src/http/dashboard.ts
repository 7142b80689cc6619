import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { problem, PROBLEM_CONTENT_TYPE } from './problem';

/** Vite names every built asset by its content hash, so a browser may keep one for good. */
const HASHED_ASSET = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * Serves the built web dashboard at `/`, outside the API prefix and its auth guard (the page signs in with a token
 * and sends it on every API call). Only the files present at start-up get routes, so nothing here can shadow an API
 * route or the docs. Without a build, `GET /` says how to make one and the API works as ever.
 */
export async function serveDashboard(app: NestFastifyApplication, dashboardDir: string): Promise<void> {
  if (!existsSync(join(dashboardDir, 'index.html'))) {
    // Unauthenticated callers read this: it names no path on the server.
    const detail = 'The dashboard is not built: run npm run build, or set TONGXIN_DASHBOARD_DIR to a built dashboard.';
    app.getHttpAdapter().getInstance().get('/', (_request, reply) => {
      reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem(404, detail, { code: 'DASHBOARD_NOT_BUILT' }));
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: dashboardDir,
    prefix: '/',
    wildcard: false,
    // Another registration (the docs) may decorate the reply already.
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
