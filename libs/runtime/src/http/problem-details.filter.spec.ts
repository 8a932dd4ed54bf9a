import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { DomainError } from './domain.error';
import { ProblemDetailsFilter } from './problem-details.filter';
import { createValidationPipe } from './validation.pipe';

class RateVisitDto {
  @IsString()
  comment!: string;

  @IsInt()
  @Min(0)
  @Max(10)
  score!: number;
}

@Controller('visits')
class VisitsController {
  @Post()
  rate(@Body() body: RateVisitDto): RateVisitDto {
    return body;
  }

  @Get('submitted')
  submitted(): never {
    throw new DomainError(
      'conflict',
      'session.already-submitted',
      'This survey was already submitted',
    );
  }

  @Get('broken')
  broken(): never {
    throw new Error('connection string with a password in it');
  }
}

@Module({
  controllers: [VisitsController],
  providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
})
class VisitsModule {}

describe(ProblemDetailsFilter.name, () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [VisitsModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalPipes(createValidationPipe());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('should answer a body that breaks its rules with 400 naming every field and why', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/visits',
      payload: { comment: 7, score: 11, extra: true },
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json<{ errors: { field: string; message: string }[] }>();
    expect(body.errors.map((error) => error.field).sort()).toEqual(['comment', 'extra', 'score']);
    expect(body.errors.find((error) => error.field === 'score')?.message).toContain('10');
  });

  it('should answer unreadable JSON with 400, not 500', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/visits',
      headers: { 'content-type': 'application/json' },
      payload: '{"comment":',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json<{ status: number }>().status).toBe(400);
  });

  it('should map a domain error to its status and keep its code as the problem type', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/visits/submitted',
      headers: { 'x-correlation-id': 'abc-123' },
    });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      type: 'about:blank#session.already-submitted',
      status: 409,
      detail: 'This survey was already submitted',
      correlationId: 'abc-123',
      instance: '/visits/submitted',
    });
  });

  it('should hide the cause of an unexpected error behind a generic 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/visits/broken' });

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('password');
  });
});
