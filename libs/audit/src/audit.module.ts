import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import { OutboxWriter } from '@careloop/messaging';
import { AuditTrail } from './audit.trail';

/** Provides `AuditTrail` to every module of a service; ServiceCoreModule imports it once. */
@Global()
@Module({})
export class AuditModule {
  static forRoot(options: { serviceName: string }): DynamicModule {
    return {
      module: AuditModule,
      providers: [
        {
          provide: AuditTrail,
          inject: [OutboxWriter],
          useFactory: (outbox: OutboxWriter) => new AuditTrail(outbox, options.serviceName),
        },
      ],
      exports: [AuditTrail],
    };
  }
}
