import { ServiceEnvironment } from '@careloop/config';
import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';

export class UserOrgEnvironment extends ServiceEnvironment {
  /** Where people open CareLoop; invitation links are `<PUBLIC_WEB_URL>/invitations/<token>`. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_WEB_URL: string = 'http://127.0.0.1:8080';

  /** How long an invitation can be accepted. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(720)
  INVITATION_TTL_HOURS: number = 168;
}

export const USER_ORG_ENVIRONMENT = Symbol('UserOrgEnvironment');
