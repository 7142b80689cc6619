import multipart from '@fastify/multipart';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AdminCredentials } from './auth/credentials';
import type { LedgerConfig } from './config/config';
import { API_PREFIX } from './http/api-prefix';
import { serveDashboard } from './http/dashboard';
import { problemFrameworkOptions, refuseWrongMethods } from './http/framework-errors';
import { badRequest } from './http/problem';
import { checkMultipartType, checkShape, parseJsonBody } from './http/request-shape';

export { API_PREFIX } from './http/api-prefix';

/** CONTRACT: bodies are JSON objects of modest size; larger ones are refused with 413. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface CreatedApp {
  app: NestFastifyApplication;
  /** Set only on the first start without TONGXIN_ADMIN_TOKEN: print it once, it is never shown again. */
  generatedAdminToken?: string;
}

/** Builds the whole HTTP application; main.ts and the end-to-end tests share it. */
export async function createApp(config: LedgerConfig, logger: LoggerService | LogLevel[] | false = ['log', 'warn', 'error']): Promise<CreatedApp> {
  const { credentials, generatedToken } = AdminCredentials.load(config.dataDir, config.adminToken);
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, ...problemFrameworkOptions() });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, credentials), adapter, {
    logger: logger === false ? false : logger,
    // Fastify's own JSON parser is replaced below; Nest must not register another.
    bodyParser: false,
  });
  app.setGlobalPrefix(API_PREFIX);
  refuseWrongMethods(app.getHttpAdapter().getInstance());
  // Spreadsheet uploads (POST /imports) are multipart; each route sets its own file size limit.
  await app.register(multipart, { limits: { files: 1, fields: 0, parts: 1 } });
  // The web dashboard at `/` (apps/dashboard, built into config.dashboardDir); it reads everything from /api/v1.
  await serveDashboard(app, config.dashboardDir);
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  // JSON is the only body but the multipart upload: text/plain is refused (415) like any other type.
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, raw, done) => {
    // Bodiless commands (verify) may still say Content-Type: application/json; an empty body is no body.
    if (typeof raw !== 'string' || raw.trim() === '') return done(null, undefined);
    try {
      done(null, parseJsonBody(raw));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // A JSON body must be an object; arrays, strings and null are refused before any handler runs. Query strings
  // get the body's key rule; a multipart upload needs a boundary its parser can use.
  fastify.addHook('preValidation', async (request) => {
    const body = request.body as unknown;
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw badRequest([{ path: '', message: 'the body must be a JSON object' }]);
    }
    checkShape(request.query, '');
    checkMultipartType(request.headers['content-type']);
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tongxin Ledger API')
      .setDescription('同心账本: activities, volunteer hours and donations as an append-only event log; every figure a projection of it.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  await fastify.ready();
  return { app, generatedAdminToken: generatedToken };
}
