import type { DistributionRuleV1, SurveyPublishedV1, SurveyQuestionV1 } from '@careloop/contracts';
import { FieldLimits } from '@careloop/contracts';
import type { QuestionOutline } from '@careloop/surveys';
import { languagesOf, outlineQuestions } from '@careloop/surveys';
import type { DistributionRule, SurveyRecord, SurveyVersionRecord } from './surveys.repository';

function contractQuestionOf(outline: QuestionOutline): SurveyQuestionV1 {
  const question: SurveyQuestionV1 = {
    questionId: outline.questionId,
    kind: outline.kind,
    title: outline.title.slice(0, FieldLimits.text),
  };
  if (outline.scaleMin !== undefined) question.scaleMin = outline.scaleMin;
  if (outline.scaleMax !== undefined) question.scaleMax = outline.scaleMax;
  return question;
}

/** The API speaks sampling rates (0..1, hundredths); the event carries the same as a percentage. */
export function contractRuleOf(rule: DistributionRule): DistributionRuleV1 {
  const match: DistributionRuleV1['match'] = {};
  if (rule.appointmentTypes) match.appointmentTypes = rule.appointmentTypes;
  if (rule.departments) match.departments = rule.departments;
  if (rule.sites) match.sites = rule.sites;
  if (rule.providers) match.providers = rule.providers;
  return {
    ruleId: rule.ruleId,
    priority: rule.priority,
    match,
    samplingPercent: Math.round(rule.samplingRate * 100),
    channels: rule.channels,
  };
}

/**
 * `survey.published`: the frozen version complete with the survey's current distribution rules,
 * so feedback-service keeps its projection from events alone. Sent again for the same version
 * when the rules change; consumers keep, per survey, the rules of the latest event.
 */
export function surveyPublishedOf(
  survey: SurveyRecord,
  version: SurveyVersionRecord,
): SurveyPublishedV1 {
  if (version.status !== 'published' || !version.publishedAt || !version.publishedBy) {
    throw new Error(`survey ${version.surveyId} version ${version.version} is not published`);
  }
  return {
    surveyId: survey.surveyId,
    orgId: survey.orgId,
    version: version.version,
    title: version.title,
    defaultLanguage: version.defaultLanguage,
    languages: languagesOf(version),
    definition: version.definition,
    questions: outlineQuestions(version).map(contractQuestionOf),
    distributionRules: survey.distributionRules.map(contractRuleOf),
    publishedBy: version.publishedBy,
    publishedAt: version.publishedAt,
  };
}
