import type { CompiledItem, CompiledQuestion, CompiledSurvey } from './compiled-survey';
import { compileSurvey } from './compiled-survey';
import { localize } from './localized-text';
import type { QuestionKind, SurveyVersionInput } from './survey-definition';
import {
  LANGUAGE_VARIABLE,
  OTHER_TEXT_SUFFIX,
  OTHER_VALUE,
  SurveyLimits,
} from './survey-definition';

export type Answers = Record<string, unknown>;

export interface AnswerError {
  /** The question the error is about; empty when the answers as a whole are unreadable. */
  questionId: string;
  message: string;
}

export type AnswersValidation = { ok: true } | { ok: false; errors: AnswerError[] };

export interface PresentedItem {
  value: string | number;
  text: string;
}

/** A question as the respondent sees it, in their language. */
export interface PresentedQuestion {
  questionId: string;
  kind: QuestionKind;
  /** The SurveyJS element type, for a SurveyJS renderer. */
  type: string;
  page: string;
  title: string;
  description?: string;
  isRequired: boolean;
  choices?: PresentedItem[];
  /** Present when an "other (please specify)" item is offered; its text goes to `<id>-Comment`. */
  otherItem?: PresentedItem;
  rows?: PresentedItem[];
  columns?: PresentedItem[];
  scaleMin?: number;
  scaleMax?: number;
  minSelectedChoices?: number;
  maxSelectedChoices?: number;
  maxLength?: number;
  minDate?: string;
  maxDate?: string;
}

function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function conditionsHold(question: CompiledQuestion, values: Answers): boolean {
  return question.conditions.every((condition) => condition.runValues(values) === true);
}

/**
 * Walks the questions in order, as the respondent would: a question is shown when its page's and
 * its own `visibleIf` hold over the answers to questions shown before it; a `skip` trigger hides
 * the questions between its last-read question and its target, a `complete` trigger every later
 * one. Answers to questions that end up hidden never feed an expression.
 */
function shownQuestions(
  survey: CompiledSurvey,
  answers: Answers,
  language: string,
): CompiledQuestion[] {
  const values: Answers = { [LANGUAGE_VARIABLE]: language };
  const shown: CompiledQuestion[] = [];
  let skipUntil = -1;
  let ended = false;
  const decideTriggers = (anchorIndex: number): void => {
    for (const trigger of survey.triggersByAnchor.get(anchorIndex) ?? []) {
      if (ended || trigger.condition.runValues(values) !== true) continue;
      if (trigger.type === 'complete') ended = true;
      else if (trigger.targetIndex !== undefined)
        skipUntil = Math.max(skipUntil, trigger.targetIndex);
    }
  };
  // Triggers that read only `{language}` are decided before the first question.
  decideTriggers(-1);
  for (const question of survey.questions) {
    if (ended) break;
    if (question.index >= skipUntil && conditionsHold(question, values)) {
      shown.push(question);
      if (question.id in answers) values[question.id] = answers[question.id];
      const otherKey = question.id + OTHER_TEXT_SUFFIX;
      if (otherKey in answers) values[otherKey] = answers[otherKey];
    }
    decideTriggers(question.index);
  }
  return shown;
}

function present(
  items: CompiledItem[],
  language: string,
  defaultLanguage: string,
): PresentedItem[] {
  return items.map((item) => ({
    value: item.value,
    text: localize(item.text, language, defaultLanguage) ?? String(item.value),
  }));
}

function presentQuestion(
  question: CompiledQuestion,
  language: string,
  defaultLanguage: string,
): PresentedQuestion {
  const { json } = question;
  const presented: PresentedQuestion = {
    questionId: question.id,
    kind: question.kind,
    type: json.type,
    page: question.pageName,
    title: localize(json.title, language, defaultLanguage) ?? question.id,
    isRequired: question.isRequired,
  };
  const description = localize(json.description, language, defaultLanguage);
  if (description !== undefined) presented.description = description;
  switch (question.kind) {
    case 'nps':
    case 'csat':
    case 'rating':
      presented.scaleMin = question.scaleMin;
      presented.scaleMax = question.scaleMax;
      break;
    case 'single_choice':
    case 'multiple_choice':
      presented.choices = present(question.choices, language, defaultLanguage);
      if (question.allowsOther) {
        presented.otherItem = {
          value: OTHER_VALUE,
          text: localize(json.otherText, language, defaultLanguage) ?? 'Other',
        };
      }
      if (json.minSelectedChoices !== undefined)
        presented.minSelectedChoices = json.minSelectedChoices;
      if (json.maxSelectedChoices !== undefined)
        presented.maxSelectedChoices = json.maxSelectedChoices;
      break;
    case 'matrix':
      presented.rows = present(question.rows, language, defaultLanguage);
      presented.columns = present(question.columns, language, defaultLanguage);
      break;
    case 'text':
      presented.maxLength = maxLengthOf(question);
      break;
    case 'date':
      if (json.min !== undefined) presented.minDate = json.min;
      if (json.max !== undefined) presented.maxDate = json.max;
      break;
    case 'boolean':
      break;
  }
  return presented;
}

function maxLengthOf(question: CompiledQuestion): number {
  const declared = question.json.maxLength;
  return declared !== undefined && declared > 0
    ? Math.min(declared, SurveyLimits.textAnswerLength)
    : SurveyLimits.textAnswerLength;
}

/**
 * The questions shown for these answers (a draft or a submission), in order and in `language`
 * (falling back to its primary language, then the survey's default language).
 */
export function visibleQuestions(
  version: SurveyVersionInput,
  answers: Answers,
  language: string,
): PresentedQuestion[] {
  const survey = compileSurvey(version);
  return shownQuestions(survey, isPlainObject(answers) ? answers : {}, language).map((question) =>
    presentQuestion(question, language, survey.defaultLanguage),
  );
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const match = datePattern.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function valuesOf(items: CompiledItem[]): (string | number)[] {
  return items.map((item) => item.value);
}

/** SurveyJS may hand numbers back as numbers or strings; both spell the same choice. */
function isOneOf(value: unknown, allowed: (string | number)[]): boolean {
  return (
    (typeof value === 'string' || typeof value === 'number') &&
    allowed.some((candidate) => String(candidate) === String(value))
  );
}

/** The problem with one shown, answered question's value, if any. */
function problemWith(question: CompiledQuestion, value: unknown): string | undefined {
  switch (question.kind) {
    case 'nps':
    case 'csat':
    case 'rating': {
      const { scaleMin, scaleMax } = question;
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return `must be a whole number from ${scaleMin} to ${scaleMax}`;
      }
      return value < scaleMin || value > scaleMax
        ? `${value} is outside the scale ${scaleMin} to ${scaleMax}`
        : undefined;
    }
    case 'single_choice': {
      if (typeof value !== 'string' && typeof value !== 'number') return 'must be one choice value';
      const allowed = [
        ...valuesOf(question.choices),
        ...(question.allowsOther ? [OTHER_VALUE] : []),
      ];
      return isOneOf(value, allowed) ? undefined : `"${value}" is not one of the choices`;
    }
    case 'multiple_choice': {
      if (!Array.isArray(value)) return 'must be a list of choice values';
      const selected = value as unknown[];
      const allowed = [
        ...valuesOf(question.choices),
        ...(question.allowsOther ? [OTHER_VALUE] : []),
      ];
      const unknown = selected.find((item) => !isOneOf(item, allowed));
      if (unknown !== undefined) return `${JSON.stringify(unknown)} is not one of the choices`;
      if (new Set(selected.map(String)).size !== selected.length) return 'lists a choice twice';
      const { minSelectedChoices, maxSelectedChoices } = question.json;
      if (minSelectedChoices !== undefined && selected.length < minSelectedChoices) {
        return `select at least ${minSelectedChoices}`;
      }
      if (
        maxSelectedChoices !== undefined &&
        maxSelectedChoices > 0 &&
        selected.length > maxSelectedChoices
      ) {
        return `select at most ${maxSelectedChoices}`;
      }
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'text': {
      if (typeof value !== 'string') return 'must be text';
      const limit = maxLengthOf(question);
      return value.length > limit ? `must be at most ${limit} characters` : undefined;
    }
    case 'date': {
      if (typeof value !== 'string' || !isCalendarDate(value)) return 'must be a date (YYYY-MM-DD)';
      const { min, max } = question.json;
      if (min !== undefined && value < min) return `must not be before ${min}`;
      if (max !== undefined && value > max) return `must not be after ${max}`;
      return undefined;
    }
    case 'matrix': {
      if (!isPlainObject(value)) return 'must be an object mapping each row to a column value';
      const rows = valuesOf(question.rows).map(String);
      const columns = valuesOf(question.columns);
      for (const [row, column] of Object.entries(value)) {
        if (!rows.includes(row)) return `"${row}" is not one of the rows`;
        if (!isOneOf(column, columns))
          return `row "${row}": ${JSON.stringify(column)} is not one of the columns`;
      }
      if (question.eachRowRequired && question.isRequired) {
        const missing = rows.find((row) => !isAnswered(value[row]));
        if (missing !== undefined) return `row "${missing}" needs an answer`;
      }
      return undefined;
    }
  }
}

function selectsOther(value: unknown): boolean {
  return Array.isArray(value) ? value.some((item) => item === OTHER_VALUE) : value === OTHER_VALUE;
}

/**
 * Checks a submission against a survey version: every key names a question that is shown for
 * these answers (an answer to a hidden question is refused), every required shown question is
 * answered, each value has its question's type and range, choices are known, and an "other"
 * choice comes with its text under `<questionId>-Comment` (SurveyJS's data shape). Pure: the
 * same inputs always give the same result, with no I/O.
 */
export function validateAnswers(
  version: SurveyVersionInput,
  answers: unknown,
  language: string,
): AnswersValidation {
  if (!isPlainObject(answers)) {
    return {
      ok: false,
      errors: [{ questionId: '', message: 'answers must be an object keyed by question id' }],
    };
  }
  const survey = compileSurvey(version);
  const shown = new Set(shownQuestions(survey, answers, language).map((question) => question.id));
  const errors: AnswerError[] = [];

  for (const [key, value] of Object.entries(answers)) {
    const isOtherText = key.endsWith(OTHER_TEXT_SUFFIX);
    const questionId = isOtherText ? key.slice(0, -OTHER_TEXT_SUFFIX.length) : key;
    const question = survey.byId.get(questionId);
    if (!question) {
      errors.push({ questionId: key, message: 'is not a question of this survey' });
      continue;
    }
    if (!shown.has(questionId)) {
      if (isAnswered(value)) {
        errors.push({
          questionId,
          message: 'is not shown for these answers, so it cannot be answered',
        });
      }
      continue;
    }
    if (isOtherText) {
      if (!question.allowsOther) {
        errors.push({ questionId, message: 'has no "other" item to describe' });
      } else if (typeof value !== 'string') {
        errors.push({ questionId, message: 'the "other" text must be text' });
      } else if (value.length > SurveyLimits.otherTextLength) {
        errors.push({
          questionId,
          message: `the "other" text must be at most ${SurveyLimits.otherTextLength} characters`,
        });
      } else if (isAnswered(value) && !selectsOther(answers[questionId])) {
        errors.push({ questionId, message: 'has an "other" text but "other" is not chosen' });
      }
      continue;
    }
    if (!isAnswered(value)) continue;
    const problem = problemWith(question, value);
    if (problem !== undefined) errors.push({ questionId, message: problem });
  }

  for (const question of survey.questions) {
    if (!shown.has(question.id)) continue;
    const value = answers[question.id];
    if (!isAnswered(value)) {
      if (question.isRequired) errors.push({ questionId: question.id, message: 'is required' });
      continue;
    }
    if (
      question.allowsOther &&
      selectsOther(value) &&
      !isAnswered(answers[question.id + OTHER_TEXT_SUFFIX])
    ) {
      errors.push({
        questionId: question.id,
        message: '"other" is chosen, so its text is required',
      });
    }
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}
