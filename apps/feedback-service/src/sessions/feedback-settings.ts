import type { FeedbackEnvironment } from '../feedback.environment';

/** What the session and respondent features read from the environment, without its secrets. */
export class FeedbackSettings {
  readonly publicWebUrl: string;
  readonly draftSyncIntervalMs: number;
  readonly draftTtlSeconds: number;
  readonly redisKeyPrefix: string;
  readonly expirySweepIntervalMs: number;

  constructor(environment: FeedbackEnvironment) {
    this.publicWebUrl = environment.PUBLIC_WEB_URL.replace(/\/+$/, '');
    this.draftSyncIntervalMs = environment.DRAFT_SYNC_INTERVAL_MS;
    this.draftTtlSeconds = environment.DRAFT_TTL_SECONDS;
    this.redisKeyPrefix = environment.FEEDBACK_REDIS_KEY_PREFIX;
    this.expirySweepIntervalMs = environment.SESSION_EXPIRY_SWEEP_INTERVAL_MS;
  }

  /** The link an invitation carries: the web app's respondent page, which calls `/r/{token}`. */
  respondentUrl(token: string): string {
    return `${this.publicWebUrl}/respond/${token}`;
  }
}
