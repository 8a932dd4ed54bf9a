import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '@careloop/security';
import type { FastifyReply } from 'fastify';
import { HealthService } from './health.service';
import type { HealthReport } from './health.service';

/** Probes for the orchestrator: unauthenticated, never cached, not part of the public API. */
@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  async live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, await this.health.liveness());
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, await this.health.readiness());
  }

  private answer(reply: FastifyReply, report: HealthReport): HealthCheckResult {
    reply.status(report.httpStatus);
    return report.body;
  }
}
