import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OauthError } from './oauth.errors';

@Catch(OauthError)
export class OauthErrorFilter implements ExceptionFilter {
  catch(exception: OauthError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception.basicChallenge) void reply.header('WWW-Authenticate', 'Basic realm="careloop"');
    void reply
      .status(exception.status)
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .header('content-type', 'application/json')
      .send({ error: exception.error, error_description: exception.description });
  }
}
