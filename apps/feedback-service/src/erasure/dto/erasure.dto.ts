import { FieldLimits } from '@careloop/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Length, Matches } from 'class-validator';

export class ErasureRequestDto {
  @ApiProperty({
    description: "The clinic system's patient id, as the appointments carried it",
    example: 'MRN-778',
  })
  @IsString()
  @Length(1, FieldLimits.externalId)
  @Matches(/\S/, { message: 'patientExternalId must not be blank' })
  patientExternalId!: string;
}

export class ErasureParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  erasureId!: string;
}

export class ErasureAccepted {
  @ApiProperty({ format: 'uuid' }) erasureId!: string;
  @ApiProperty({ enum: ['pending', 'done'] }) status!: 'pending' | 'done';
}

export class ErasureServiceProgress {
  @ApiProperty({ example: 'notification-service' }) service!: string;
  @ApiProperty({ enum: ['pending', 'done'] }) status!: 'pending' | 'done';
  @ApiPropertyOptional({ nullable: true, type: Number }) erasedRecords!: number | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) reportedAt!:
    string | null;
}

export class ErasureProgressResponse {
  @ApiProperty({ format: 'uuid' }) erasureId!: string;
  @ApiProperty({ enum: ['pending', 'done'], description: 'done once every service has reported' })
  status!: 'pending' | 'done';
  @ApiProperty({ description: 'Sessions of the patient found here' }) sessionCount!: number;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) completedAt!:
    string | null;
  @ApiProperty({ type: [ErasureServiceProgress] }) services!: ErasureServiceProgress[];
}
