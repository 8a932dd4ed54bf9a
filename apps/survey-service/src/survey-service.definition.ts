import { ServiceEnvironment } from '@careloop/config';
import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { migrations } from './migrations';
import { SurveysModule } from './surveys/surveys.module';

export const surveyService: ServiceBootstrapOptions<ServiceEnvironment> = {
  name: 'survey-service',
  description:
    'Survey definitions, immutable published versions, translations and distribution rules',
  environmentClass: ServiceEnvironment,
  migrations,
  features: () => [SurveysModule],
};
