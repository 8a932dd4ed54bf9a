import type { OnModuleInit } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { HL7_V2_MEDIA_TYPE } from './hl7v2-ack';
import { IntakeController } from './intake.controller';
import { IntakeRepository } from './intake.repository';
import { IntakeService } from './intake.service';

/** Bodies the intake reads as text and parses itself, so their errors name fields, not bytes. */
const textBodyTypes = ['application/fhir+json', HL7_V2_MEDIA_TYPE, 'application/hl7-v2'];

@Module({
  controllers: [IntakeController],
  providers: [IntakeService, IntakeRepository],
})
export class IntakeModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    for (const type of textBodyTypes) {
      if (!fastify.hasContentTypeParser(type)) {
        fastify.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) =>
          done(null, body),
        );
      }
    }
  }
}
