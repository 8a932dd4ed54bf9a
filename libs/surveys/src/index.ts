/**
 * The survey format (a SurveyJS JSON subset) and its pure checks, shared by survey-service (which
 * validates definitions before saving and publishing) and feedback-service (which validates a
 * respondent's answers against the published version it keeps from `survey.published`):
 *
 * ```ts
 * const result = validateAnswers(publishedEvent.data, answers, 'fr');
 * if (!result.ok) throw ... result.errors // [{ questionId, message }]
 * const questions = visibleQuestions(publishedEvent.data, draftAnswers, 'fr');
 * ```
 */
export * from './survey-definition';
export { defaultTextOf, localize } from './localized-text';
export { SUPPORTED_QUESTION_TYPES, languagesOf, validateDefinition } from './definition-validator';
export type { DefinitionIssue } from './definition-validator';
export { validateAnswers, visibleQuestions } from './survey-answers';
export type {
  AnswerError,
  Answers,
  AnswersValidation,
  PresentedItem,
  PresentedQuestion,
} from './survey-answers';
export { outlineQuestions } from './question-outline';
export type { QuestionOutline } from './question-outline';
