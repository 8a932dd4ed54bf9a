import { Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import type { DynamicModule, InjectionToken, ModuleMetadata, Provider } from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AccessTokenGuard } from './authorization/access-token.guard';
import { RolesGuard } from './authorization/roles.guard';
import { installRequestScope } from './tenancy/request-scope';
import { JwtVerifier } from './tokens/jwt.verifier';
import type { JwtVerifierOptions, RemoteJwksOptions } from './tokens/jwt.verifier';

/** Auth-service's JWKS URL and the expected `iss`/`aud`; or a ready verifier (tests: `JwtVerifier.fromJwks`). */
export type SecurityModuleOptions =
  (JwtVerifierOptions & RemoteJwksOptions & { jwksUrl: string }) | { verifier: JwtVerifier };

export interface SecurityModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...dependencies: never[]) => SecurityModuleOptions | Promise<SecurityModuleOptions>;
}

function verifierFrom(options: SecurityModuleOptions): JwtVerifier {
  return 'verifier' in options
    ? options.verifier
    : JwtVerifier.fromJwksUrl(options.jwksUrl, options);
}

/**
 * Authentication and authorization for a service, on every HTTP route by default:
 * `AccessTokenGuard` (401 without a valid token; `@Public()` opts out), then `RolesGuard`
 * (`@Roles()`, `@RequireScopes()`, org in the path); the request scope (a Fastify hook) lets
 * `TenantContext` and `RequestContext` find the caller the guard attached. Import once, in the
 * AppModule.
 */
@Module({})
export class SecurityModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() === 'fastify')
      installRequestScope(adapter.getInstance<FastifyInstance>());
  }

  static forRoot(options: SecurityModuleOptions): DynamicModule {
    return SecurityModule.build([{ provide: JwtVerifier, useValue: verifierFrom(options) }]);
  }

  static forRootAsync(options: SecurityModuleAsyncOptions): DynamicModule {
    const factory = options.useFactory as (
      ...dependencies: unknown[]
    ) => SecurityModuleOptions | Promise<SecurityModuleOptions>;
    return SecurityModule.build(
      [
        {
          provide: JwtVerifier,
          inject: options.inject ?? [],
          useFactory: async (...dependencies: unknown[]) =>
            verifierFrom(await factory(...dependencies)),
        },
      ],
      options.imports,
    );
  }

  private static build(
    verifier: Provider[],
    imports: ModuleMetadata['imports'] = [],
  ): DynamicModule {
    return {
      module: SecurityModule,
      global: true,
      imports,
      providers: [
        ...verifier,
        // Order matters: Nest runs global guards in registration order, authentication first.
        { provide: APP_GUARD, useClass: AccessTokenGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [JwtVerifier],
    };
  }
}
