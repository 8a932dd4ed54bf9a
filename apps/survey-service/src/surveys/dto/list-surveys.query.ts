import { PageLimit } from '@careloop/runtime';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCursor } from '../../common/cursor';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@careloop/runtime';

/** `?limit=&cursor=`; newest surveys first. */
export class ListSurveysQuery {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsCursor(2)
  cursor?: string;
}
