import { BadRequestException, Body, Controller, Get, INestApplication, Module, Post, Query } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsInt, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { DOMAIN_ERROR_CODES, DomainError } from '@app/common';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { DomainErrorFilter, httpStatusOf } from './domain-error.filter';
import { SpaFallback } from './spa-fallback';
import { createValidationPipe } from './validation';

class ScaleQuery {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  replicas: number;
}

@Controller('api/probe')
class ProbeController {
  @Get('domain')
  domain(): never {
    throw new DomainError('UNAVAILABLE', 'Docker is unreachable at unix:///nowhere.sock: connect ENOENT');
  }
  @Get('http')
  http(): never {
    throw new BadRequestException('replicas: must be a number');
  }
  @Get('crash')
  crash(): never {
    throw new Error('secret internal detail');
  }
  @Get('validate')
  validate(@Query() q: ScaleQuery) {
    return q;
  }
  @Post('scale')
  scale(@Body() body: ScaleQuery) {
    return body;
  }
}

@Module({
  controllers: [ProbeController],
  providers: [
    { provide: SpaFallback, useValue: { available: () => false } },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_FILTER, useClass: DomainErrorFilter },
  ],
})
class ProbeModule {}

describe('the error model', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => (app as INestApplication | undefined)?.close());

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('maps every domain error code to one HTTP status', () => {
    expect(DOMAIN_ERROR_CODES.map(httpStatusOf)).toEqual([404, 409, 400, 503, 403, 504]);
  });

  it('answers a domain error with its mapped status, message and code', async () => {
    const res = await get('/api/probe/domain');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Docker is unreachable at unix:///nowhere.sock: connect ENOENT',
      code: 'UNAVAILABLE',
    });
  });

  it('keeps an HTTP exception’s status and message', async () => {
    const res = await get('/api/probe/http');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('replicas: must be a number');
  });

  it('hides an unexpected error behind a 500 without its message or stack', async () => {
    const res = await get('/api/probe/crash');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internal detail');
    expect(res.body).not.toContain('at ');
    expect(res.json().message).toMatch(/Internal error \(request id/);
  });

  it('names the field and the rule on a validation failure, and rejects unknown fields', async () => {
    const bad = await get('/api/probe/validate?replicas=-1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('replicas must not be less than 0');
    const unknown = await get('/api/probe/validate?replicas=1&foo=2');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toBe('foo: property foo should not exist');
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/probe/scale',
      headers: { 'content-type': 'application/json' },
      payload: '{"replicas":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.json().message).toMatch(/JSON/i);
  });
});
