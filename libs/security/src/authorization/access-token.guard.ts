import { Injectable, Logger } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidAccessTokenError } from '../tokens/invalid-access-token.error';
import { JwtVerifier } from '../tokens/jwt.verifier';
import { callerFromClaims } from './principal';
import { attachCaller } from './request-principal';
import { IS_PUBLIC_KEY } from './security.decorators';
import {
  AuthenticationRequiredException,
  SigningKeysUnavailableException,
} from './security.exceptions';

interface HttpRequestLike {
  headers: IncomingHttpHeaders;
}

interface HttpResponseLike {
  header(name: string, value: string): unknown;
}

const bearerPattern = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)$/i;

export function bearerTokenOf(authorization: string | undefined): string | undefined {
  return authorization ? bearerPattern.exec(authorization.trim())?.[1] : undefined;
}

/**
 * Global guard: every HTTP route needs a valid access token unless marked `@Public()`. The
 * verified caller is attached to the request for `RolesGuard`, `@CurrentPrincipal()` and the
 * tenant context. Kafka handlers of the hybrid app pass: their trust comes from the broker ACLs
 * and the envelope's org, not from a user token.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly logger = new Logger(AccessTokenGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const response = http.getResponse<HttpResponseLike>();
    const token = bearerTokenOf(request.headers.authorization);
    if (!token) {
      // RFC 6750: a 401 for a bearer-protected resource names the scheme.
      response.header('WWW-Authenticate', 'Bearer');
      throw new AuthenticationRequiredException();
    }
    try {
      attachCaller(request, callerFromClaims(await this.verifier.verify(token)));
      return true;
    } catch (error) {
      if (!(error instanceof InvalidAccessTokenError)) throw error;
      if (error.reason === 'keys_unavailable') {
        this.logger.error(`Access token not verifiable: ${error.message}`);
        throw new SigningKeysUnavailableException();
      }
      this.logger.debug(`Access token refused (${error.reason}): ${error.message}`);
      response.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new AuthenticationRequiredException('The access token is invalid or has expired');
    }
  }
}
