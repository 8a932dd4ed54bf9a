import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class IntakeFieldProblem {
  @ApiProperty({ example: 'entry[2].resource.period.end' })
  field!: string;

  @ApiProperty({ example: 'a finished Encounter needs period.end' })
  message!: string;
}

export class IntakeRejectionError extends IntakeFieldProblem {
  @ApiProperty({
    example: 'status-not-finished',
    description:
      'Stable reason: status-not-finished, no-patient, no-encounter, not-fhir-r4, not-adt-a03, no-visit-id, missing-pv1, malformed, missing-field, invalid-field, org-mismatch',
  })
  reason!: string;
}

export class AcceptedAppointment {
  @ApiProperty({ description: 'Array index, Bundle entry index or HL7 message number (0-based)' })
  index!: number;

  @ApiProperty({ example: 'APT-2024-0001' })
  externalId!: string;

  @ApiPropertyOptional({ description: 'The appointment.completed event written for it' })
  eventId?: string;

  @ApiPropertyOptional({
    description:
      'true: this appointment was already received for the organization (earlier or in this body); no second event',
  })
  duplicate?: boolean;

  @ApiPropertyOptional({
    type: [IntakeFieldProblem],
    description: 'Values left out or assumed, e.g. a phone without country code',
  })
  warnings?: IntakeFieldProblem[];
}

export class RejectedAppointment {
  @ApiProperty()
  index!: number;

  @ApiPropertyOptional({ description: 'The appointment id, when it could be read' })
  externalId?: string;

  @ApiProperty({ type: [IntakeRejectionError] })
  errors!: IntakeRejectionError[];
}

export class IntakeResponse {
  @ApiProperty({ type: [AcceptedAppointment] })
  accepted!: AcceptedAppointment[];

  @ApiProperty({ type: [RejectedAppointment] })
  rejected!: RejectedAppointment[];
}
