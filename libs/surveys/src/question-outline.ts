import { compileSurvey } from './compiled-survey';
import { defaultTextOf } from './localized-text';
import type { QuestionKind, SurveyVersionInput } from './survey-definition';

/** What reports need of a question without reading the definition: its kind, title and scale. */
export interface QuestionOutline {
  questionId: string;
  kind: QuestionKind;
  /** The title in the survey's default language. */
  title: string;
  scaleMin?: number;
  scaleMax?: number;
}

export function outlineQuestions(version: SurveyVersionInput): QuestionOutline[] {
  return compileSurvey(version).questions.map((question) => {
    const outline: QuestionOutline = {
      questionId: question.id,
      kind: question.kind,
      title: defaultTextOf(question.json.title, version.defaultLanguage) ?? question.id,
    };
    if (question.kind === 'nps' || question.kind === 'csat' || question.kind === 'rating') {
      outline.scaleMin = question.scaleMin;
      outline.scaleMax = question.scaleMax;
    }
    return outline;
  });
}
