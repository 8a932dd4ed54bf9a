import { DELIVERY_CHANNELS, FieldLimits } from '@careloop/contracts';
import type { DeliveryChannel } from '@careloop/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

const listLimit = 200;

/** Which completed appointments get the survey. Absent lists match any value; values are ORed. */
export class DistributionRuleDto {
  @ApiPropertyOptional({ type: [String], example: ['consultation'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(listLimit)
  @IsString({ each: true })
  @Length(1, FieldLimits.label, { each: true })
  appointmentTypes?: string[];

  @ApiPropertyOptional({ type: [String], example: ['cardiology'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(listLimit)
  @IsString({ each: true })
  @Length(1, FieldLimits.label, { each: true })
  departments?: string[];

  @ApiPropertyOptional({ type: [String], example: ['paris-15'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(listLimit)
  @IsString({ each: true })
  @Length(1, FieldLimits.label, { each: true })
  sites?: string[];

  @ApiPropertyOptional({ type: [String], example: ['dr-durand'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(listLimit)
  @IsString({ each: true })
  @Length(1, FieldLimits.label, { each: true })
  providers?: string[];

  @ApiProperty({
    minimum: 0,
    maximum: 1,
    example: 0.25,
    description: 'Share of matching appointments invited, in hundredths (0.25 = one in four)',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1)
  samplingRate!: number;

  @ApiPropertyOptional({
    enum: DELIVERY_CHANNELS,
    isArray: true,
    default: ['email', 'sms'],
    description: 'Channels in order of preference',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DELIVERY_CHANNELS, { each: true })
  channels?: DeliveryChannel[];
}

/** PUT /api/surveys/{id}/distribution: the whole rule list; the first matching rule wins. */
export class ReplaceDistributionDto {
  @ApiProperty({ type: [DistributionRuleDto] })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(listLimit)
  @ValidateNested({ each: true })
  @Type(() => DistributionRuleDto)
  rules!: DistributionRuleDto[];
}
