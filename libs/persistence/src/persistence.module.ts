import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ServiceDataSourceOptions } from './data-source.factory';
import { createServiceDataSource } from './data-source.factory';
import { TenantTransactions } from './tenant-transactions';

const OPTIONS = Symbol('PersistenceOptions');

/** Provides the service's one `DataSource` (inject the class itself), initialised before use, and `TenantTransactions`. */
@Global()
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: ServiceDataSourceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: DataSource,
          inject: [OPTIONS],
          useFactory: async (resolved: ServiceDataSourceOptions) =>
            createServiceDataSource(resolved).initialize(),
        },
        TenantTransactions,
      ],
      exports: [DataSource, TenantTransactions],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
