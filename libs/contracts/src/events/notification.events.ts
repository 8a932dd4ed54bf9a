import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Length, Min } from 'class-validator';
import { IsOptionalField, IsRfc3339DateTime } from '../validation/contract-validators';
import type { BounceType, DeliveryChannel, NotificationPurpose } from './event-values';
import {
  BOUNCE_TYPES,
  DELIVERY_CHANNELS,
  FieldLimits,
  NOTIFICATION_PURPOSES,
} from './event-values';

/** `notification.sent` v1: a channel provider accepted a message. */
export class NotificationSentV1 {
  @IsUUID('all')
  deliveryId!: string;

  @IsUUID('all')
  orgId!: string;

  /** The feedback session the delivery belongs to (invitations, reminders, alerts). */
  @IsOptionalField()
  @IsUUID('all')
  sessionId?: string;

  @IsIn(NOTIFICATION_PURPOSES)
  purpose!: NotificationPurpose;

  @IsIn(DELIVERY_CHANNELS)
  channel!: DeliveryChannel;

  /** The channel provider, e.g. smtp, twilio. */
  @IsString()
  @Length(1, 64)
  provider!: string;

  @IsOptionalField()
  @IsString()
  @Length(1, 256)
  providerMessageId?: string;

  @IsInt()
  @Min(1)
  attempt!: number;

  @IsRfc3339DateTime()
  sentAt!: string;
}

/** `notification.failed` v1: an attempt failed; `permanent` means no further attempt will be made. */
export class NotificationFailedV1 {
  @IsUUID('all')
  deliveryId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsOptionalField()
  @IsUUID('all')
  sessionId?: string;

  @IsIn(NOTIFICATION_PURPOSES)
  purpose!: NotificationPurpose;

  @IsIn(DELIVERY_CHANNELS)
  channel!: DeliveryChannel;

  @IsString()
  @Length(1, 64)
  provider!: string;

  @IsInt()
  @Min(1)
  attempt!: number;

  @IsBoolean()
  permanent!: boolean;

  /** The provider's or transport's error, without the recipient's contact data. */
  @IsString()
  @Length(1, FieldLimits.text)
  reason!: string;

  @IsRfc3339DateTime()
  failedAt!: string;
}

/** `notification.bounced` v1: the provider reported after sending that the message did not arrive. */
export class NotificationBouncedV1 {
  @IsUUID('all')
  deliveryId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsOptionalField()
  @IsUUID('all')
  sessionId?: string;

  @IsIn(NOTIFICATION_PURPOSES)
  purpose!: NotificationPurpose;

  @IsIn(DELIVERY_CHANNELS)
  channel!: DeliveryChannel;

  @IsString()
  @Length(1, 64)
  provider!: string;

  @IsOptionalField()
  @IsString()
  @Length(1, 256)
  providerMessageId?: string;

  /** A hard bounce or a complaint suppresses the contact; a soft bounce does not. */
  @IsIn(BOUNCE_TYPES)
  bounceType!: BounceType;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.text)
  reason?: string;

  @IsRfc3339DateTime()
  bouncedAt!: string;
}
