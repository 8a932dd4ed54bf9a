import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsUUID, Max, Min } from 'class-validator';

export class SurveyParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  surveyId!: string;
}

export class SurveyVersionParams extends SurveyParams {
  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version!: number;
}
