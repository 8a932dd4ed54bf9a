/**
 * The survey format: a subset of SurveyJS's JSON (https://surveyjs.io/form-library/documentation),
 * so the same document renders with SurveyJS on the respondent page and is checked here on the
 * server. Only what CareLoop can validate answers for is accepted (see definition-validator.ts).
 */

/** A plain string is the default language's text; an object maps language tags (and `default`) to text. */
export type LocalizableText = string | Record<string, string>;

export type ItemValueJson = string | number | { value: string | number; text?: LocalizableText };

export interface QuestionJson {
  type: string;
  name: string;
  title?: LocalizableText;
  description?: LocalizableText;
  isRequired?: boolean;
  visibleIf?: string;
  // rating
  rateMin?: number;
  rateMax?: number;
  rateStep?: number;
  rateType?: string;
  minRateDescription?: LocalizableText;
  maxRateDescription?: LocalizableText;
  // single and multiple choice
  choices?: ItemValueJson[];
  showOtherItem?: boolean;
  /** SurveyJS's former name of `showOtherItem`, still read by survey-core. */
  hasOther?: boolean;
  otherText?: LocalizableText;
  minSelectedChoices?: number;
  maxSelectedChoices?: number;
  // text, comment, date
  inputType?: string;
  maxLength?: number;
  min?: string;
  max?: string;
  // matrix
  rows?: ItemValueJson[];
  columns?: ItemValueJson[];
  isAllRowRequired?: boolean;
  eachRowRequired?: boolean;
  [property: string]: unknown;
}

export interface PageJson {
  name?: string;
  title?: LocalizableText;
  visibleIf?: string;
  elements?: QuestionJson[];
  [property: string]: unknown;
}

/** `skip` jumps to `gotoName` once `expression` holds; `complete` ends the survey. */
export interface TriggerJson {
  type: 'skip' | 'complete';
  expression: string;
  gotoName?: string;
  [property: string]: unknown;
}

export interface SurveyDefinition {
  title?: LocalizableText;
  description?: LocalizableText;
  pages?: PageJson[];
  /** A single-page survey may list its questions here instead of in `pages`. */
  elements?: QuestionJson[];
  triggers?: TriggerJson[];
  [property: string]: unknown;
}

/**
 * What the answer checks need: a definition and the language its `default` texts are written in.
 * The data of a `survey.published` event has both fields, so it can be passed as is.
 */
export interface SurveyVersionInput {
  definition: SurveyDefinition | Record<string, unknown>;
  defaultLanguage: string;
}

/** How CareLoop reads a question; also the analytics' view of it. */
export type QuestionKind =
  | 'nps'
  | 'csat'
  | 'rating'
  | 'single_choice'
  | 'multiple_choice'
  | 'boolean'
  | 'text'
  | 'date'
  | 'matrix';

/** The value of the "other" item, and the answer key suffix of its text (SurveyJS's data shape). */
export const OTHER_VALUE = 'other';
export const OTHER_TEXT_SUFFIX = '-Comment';
/** Expressions may read the respondent's language as `{language}`. */
export const LANGUAGE_VARIABLE = 'language';

export const SurveyLimits = {
  questions: 500,
  questionIdLength: 128,
  choices: 200,
  matrixRows: 100,
  textAnswerLength: 5_000,
  otherTextLength: 1_000,
  expressionLength: 2_000,
} as const;
