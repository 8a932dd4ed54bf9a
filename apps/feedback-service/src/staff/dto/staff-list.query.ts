import { PageLimit } from '@careloop/runtime';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCursor, isInstant, isUuid } from '../cursor';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@careloop/runtime';

/** `?limit=&cursor=` of lists ordered by (time, uuid). */
export class TimeOrderedListQuery {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsCursor([isInstant, isUuid])
  cursor?: string;
}
