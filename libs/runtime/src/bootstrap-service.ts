import type { Http2ServerRequest } from 'node:http2';
import type { IncomingMessage } from 'node:http';
import type { ServiceEnvironment } from '@careloop/config';
import { loadEnvironment } from '@careloop/config';
import type { MessagingOptions } from '@careloop/messaging';
import { createEventServer, InboxRunner, KAFKA, MESSAGING_OPTIONS } from '@careloop/messaging';
import { PinoNestLogger, resolveCorrelationId } from '@careloop/observability';
import { runMigrations } from '@careloop/persistence';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createValidationPipe } from './http/validation.pipe';
import type { ServiceDefinition } from './service-core.module';
import { ServiceCoreModule } from './service-core.module';

export interface ServiceBootstrapOptions<E extends ServiceEnvironment> extends ServiceDefinition {
  description: string;
  environmentClass: new () => E;
  /** The service's feature modules, built from its validated environment. */
  features?: (environment: E) => ModuleImport[];
  /** Largest accepted request body; intake takes big batches, other services small JSON. */
  bodyLimitBytes?: number;
}

type ModuleImport = NonNullable<DynamicModule['imports']>[number];

export interface RunningService {
  app: NestFastifyApplication;
  url: string;
}

/**
 * Starts one CareLoop service: validated environment, migrations, HTTP on Fastify with the one
 * validation pipe, OpenAPI at /docs, the Kafka event consumer, graceful shutdown.
 */
export async function bootstrapService<E extends ServiceEnvironment>(
  options: ServiceBootstrapOptions<E>,
): Promise<RunningService> {
  const environment = loadEnvironment(options.environmentClass);
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: class ServiceRootModule {},
      imports: [
        ServiceCoreModule.forRoot(options, environment),
        ...(options.features?.(environment) ?? []),
      ],
    },
    new FastifyAdapter({
      genReqId: (request: IncomingMessage | Http2ServerRequest) =>
        resolveCorrelationId(request as IncomingMessage),
      bodyLimit: options.bodyLimitBytes ?? 1_048_576,
      // Path parameters carry signed tokens (respondent links) longer than Fastify's default of 100.
      maxParamLength: 1_024,
      // The gateway sits in front; trusting it gives the client's address for audit and rate limits.
      trustProxy: true,
    }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(PinoNestLogger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const applied = await runMigrations(app.get(DataSource));
  if (applied.length > 0)
    app.get(PinoNestLogger).log({ msg: 'migrations applied', migrations: applied });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`CareLoop ${options.name}`)
      .setDescription(options.description)
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });

  app.connectMicroservice(
    {
      strategy: createEventServer(
        app.get<Kafka>(KAFKA),
        app.get(InboxRunner),
        app.get<MessagingOptions>(MESSAGING_OPTIONS),
      ),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen({ port: environment.PORT, host: environment.HOST });
  const url = `http://${environment.HOST}:${environment.PORT}`;
  app.get(PinoNestLogger).log({ msg: `${options.name} listening`, url });
  return { app, url };
}
