import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Every cursor-paginated list (`?limit=&cursor=`) pages the same way unless a route says otherwise. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The `limit` of a list query: optional, an integer from 1 to `max`, documented in OpenAPI. */
export function PageLimit(max: number = MAX_PAGE_SIZE): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: Math.min(DEFAULT_PAGE_SIZE, max) }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
}
