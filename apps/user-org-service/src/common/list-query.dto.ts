import { PageLimit } from '@careloop/runtime';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCursor, isInstant, isUuid } from './cursor';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@careloop/runtime';

/** `?limit=&cursor=` of every list whose order is (name, id). */
export class ListQueryDto {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsCursor(2)
  cursor?: string;
}

export interface PageRequest {
  limit: number;
  /** The sort key after which the page starts. */
  after?: readonly string[];
}

/** `?limit=&cursor=` of lists ordered newest first by (time, uuid). */
export class TimeOrderedListQueryDto {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsCursor(2, [isInstant, isUuid])
  cursor?: string;
}
