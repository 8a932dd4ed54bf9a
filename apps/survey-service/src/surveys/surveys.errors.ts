import type { FieldError } from '@careloop/runtime';
import { DomainError } from '@careloop/runtime';

export const SurveyErrorCode = {
  NotFound: 'survey.not-found',
  VersionNotFound: 'survey.version-not-found',
  InvalidDefinition: 'survey.invalid-definition',
  NothingToPublish: 'survey.nothing-to-publish',
  Archived: 'survey.archived',
} as const;

export const SurveyErrors = {
  notFound: (surveyId: string) =>
    new DomainError('not-found', SurveyErrorCode.NotFound, `Survey ${surveyId} does not exist`),
  versionNotFound: (surveyId: string, version: number) =>
    new DomainError(
      'not-found',
      SurveyErrorCode.VersionNotFound,
      `Survey ${surveyId} has no version ${version}`,
    ),
  invalidDefinition: (errors: FieldError[]) =>
    new DomainError(
      'rule-violation',
      SurveyErrorCode.InvalidDefinition,
      `The survey definition is invalid: ${errors[0]?.message ?? ''}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
      errors,
    ),
  nothingToPublish: (surveyId: string, version: number) =>
    new DomainError(
      'conflict',
      SurveyErrorCode.NothingToPublish,
      `Survey ${surveyId} has no draft: version ${version} is already published`,
    ),
  archived: (surveyId: string) =>
    new DomainError('conflict', SurveyErrorCode.Archived, `Survey ${surveyId} is archived`),
};
