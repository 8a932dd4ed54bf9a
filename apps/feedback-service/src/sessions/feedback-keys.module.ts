import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import { PiiCipher } from '@careloop/security';
import type { FeedbackEnvironment } from '../feedback.environment';
import { RespondentTokens } from '../respondent/respondent-token';
import { FeedbackSettings } from './feedback-settings';
import { PatientContactProtector } from './patient-contact';

/**
 * Settings and key material of feedback-service, built once from the validated environment:
 * the PII cipher (contact data at rest and blind indexes) and the respondent token signer.
 */
@Global()
@Module({})
export class FeedbackKeysModule {
  static forRoot(environment: FeedbackEnvironment): DynamicModule {
    const cipher = PiiCipher.fromConfiguration({
      keys: environment.PII_ENCRYPTION_KEYS,
      activeKeyId: environment.PII_ACTIVE_KEY_ID,
      blindIndexKey: environment.PII_BLIND_INDEX_KEY,
    });
    return {
      module: FeedbackKeysModule,
      providers: [
        { provide: FeedbackSettings, useValue: new FeedbackSettings(environment) },
        { provide: PatientContactProtector, useValue: new PatientContactProtector(cipher) },
        {
          provide: RespondentTokens,
          useValue: RespondentTokens.fromConfiguration(
            environment.RESPONDENT_TOKEN_KEYS,
            environment.RESPONDENT_TOKEN_ACTIVE_KEY_ID,
          ),
        },
      ],
      exports: [FeedbackSettings, PatientContactProtector, RespondentTokens],
    };
  }
}
