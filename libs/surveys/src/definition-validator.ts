import { isLanguageTag } from '@careloop/contracts';
import { ConditionRunner, ExpressionErrorType, Model } from 'survey-core';
import type { CompiledItem } from './compiled-survey';
import { itemsOf, kindOf, questionIdOfVariable, scaleOf } from './compiled-survey';
import { defaultTextOf, languagesOfText } from './localized-text';
import type {
  LocalizableText,
  PageJson,
  QuestionJson,
  QuestionKind,
  SurveyDefinition,
  SurveyVersionInput,
} from './survey-definition';
import { LANGUAGE_VARIABLE, OTHER_VALUE, SurveyLimits } from './survey-definition';

/** One problem of a definition: `field` is the JSON path, `message` names the question. */
export interface DefinitionIssue {
  field: string;
  message: string;
}

export const SUPPORTED_QUESTION_TYPES = [
  'rating (nps 0-10, csat or stars 1-5)',
  'radiogroup',
  'dropdown',
  'checkbox',
  'boolean',
  'text',
  'text with inputType date',
  'comment',
  'matrix',
] as const;

/**
 * SurveyJS features that change the answer's shape or key, or add rules the server cannot check
 * the same way the browser does; refused rather than silently ignored.
 */
const UNSUPPORTED_PROPERTIES = [
  'valueName',
  'rateValues',
  'rateCount',
  'showNoneItem',
  'hasNone',
  'showSelectAllItem',
  'hasSelectAll',
  'choicesByUrl',
  'choicesFromQuestion',
  'valueTrue',
  'valueFalse',
  'storeOthersAsComment',
  'showCommentArea',
  'hasComment',
  'validators',
  'requiredIf',
  'enableIf',
  'defaultValue',
  'correctAnswer',
  'cellType',
] as const;

const questionIdPattern = /^[A-Za-z][A-Za-z0-9_]*$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Not a type guard: a key failing it is still a string, to be named in the message. */
function isTextLanguage(key: string): boolean {
  return isLanguageTag(key);
}

type ValidationContext = Parameters<ConditionRunner['validate']>[0];
const noValues: ValidationContext = { getValue: () => ({ isFound: false }) };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLocalizableText(value: unknown): value is LocalizableText {
  return (
    typeof value === 'string' ||
    (isPlainObject(value) && Object.values(value).every((text) => typeof text === 'string'))
  );
}

function isValidDate(value: unknown): value is string {
  if (typeof value !== 'string' || !datePattern.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

class DefinitionChecker {
  readonly issues: DefinitionIssue[] = [];
  /** Question id -> position in the survey, filled as questions are read in order. */
  private readonly positions = new Map<string, number>();
  private readonly allIds = new Set<string>();

  constructor(private readonly defaultLanguage: string) {}

  add(field: string, message: string): void {
    this.issues.push({ field, message });
  }

  check(definition: unknown): void {
    if (!isPlainObject(definition)) {
      this.add('definition', 'must be a SurveyJS survey JSON object');
      return;
    }
    const survey = definition as SurveyDefinition;
    this.checkText('definition.title', 'The survey title', survey.title, false);
    this.checkText('definition.description', 'The survey description', survey.description, false);
    if (survey.pages !== undefined && survey.elements !== undefined) {
      this.add('definition.elements', 'use either pages or elements, not both');
      return;
    }
    const pages: { path: string; page: PageJson }[] = [];
    if (survey.pages !== undefined) {
      if (!Array.isArray(survey.pages))
        return this.add('definition.pages', 'must be a list of pages');
      survey.pages.forEach((page, index) =>
        pages.push({ path: `definition.pages[${index}]`, page }),
      );
    } else if (survey.elements !== undefined) {
      if (!Array.isArray(survey.elements))
        return this.add('definition.elements', 'must be a list of questions');
      pages.push({ path: 'definition', page: { elements: survey.elements } });
    }
    this.collectIds(pages);
    const pageNames = new Set<string>();
    for (const { path, page } of pages) {
      if (!isPlainObject(page)) {
        this.add(path, 'must be a page object');
        continue;
      }
      if (page.name !== undefined) {
        if (typeof page.name !== 'string' || page.name.trim() === '')
          this.add(`${path}.name`, 'must be a non-empty string');
        else if (pageNames.has(page.name))
          this.add(`${path}.name`, `Page "${page.name}" appears twice`);
        else pageNames.add(page.name);
      }
      this.checkText(`${path}.title`, `Page "${page.name ?? path}" title`, page.title, false);
      if (page.elements !== undefined && !Array.isArray(page.elements)) {
        this.add(`${path}.elements`, 'must be a list of questions');
        continue;
      }
      if (page.visibleIf !== undefined) {
        // A page's condition may read only questions before the page.
        this.checkCondition(
          `${path}.visibleIf`,
          `Page "${page.name ?? path}"`,
          page.visibleIf,
          this.positions.size,
        );
      }
      (page.elements ?? []).forEach((question, index) =>
        this.checkQuestion(`${path}.elements[${index}]`, question),
      );
    }
    if (this.positions.size > SurveyLimits.questions) {
      this.add(
        'definition',
        `has ${this.positions.size} questions; at most ${SurveyLimits.questions} are allowed`,
      );
    }
    this.checkTriggers(survey.triggers);
    if (this.issues.length === 0) this.checkWithSurveyJs(survey);
  }

  private collectIds(pages: { page: PageJson }[]): void {
    for (const { page } of pages) {
      if (!isPlainObject(page) || !Array.isArray(page.elements)) continue;
      for (const question of page.elements) {
        if (isPlainObject(question) && typeof question.name === 'string')
          this.allIds.add(question.name);
      }
    }
  }

  private checkText(field: string, subject: string, text: unknown, required: boolean): void {
    if (text === undefined) {
      if (required)
        this.add(
          field,
          `${subject} needs a text in the default language (${this.defaultLanguage})`,
        );
      return;
    }
    if (!isLocalizableText(text)) {
      this.add(field, `${subject} must be a string or an object of language -> string`);
      return;
    }
    const badKey = languagesOfText(text).find((key) => !isTextLanguage(key));
    if (badKey !== undefined) {
      this.add(
        field,
        `${subject}: "${badKey}" is not a language tag (use "default", "fr", "en-GB", ...)`,
      );
    }
    if (defaultTextOf(text, this.defaultLanguage) === undefined) {
      this.add(
        field,
        `${subject} has no text in the default language (${this.defaultLanguage}); add "default" or "${this.defaultLanguage}"`,
      );
    }
  }

  private checkQuestion(path: string, question: QuestionJson): void {
    if (!isPlainObject(question)) return this.add(path, 'must be a question object');
    const { name } = question;
    if (
      typeof name !== 'string' ||
      !questionIdPattern.test(name) ||
      name.length > SurveyLimits.questionIdLength
    ) {
      return this.add(
        `${path}.name`,
        `Question id ${JSON.stringify(name)} must start with a letter and use only letters, digits and _ (at most ${SurveyLimits.questionIdLength})`,
      );
    }
    const subject = `Question "${name}"`;
    if (this.positions.has(name))
      return this.add(`${path}.name`, `${subject}: duplicate question id`);
    this.positions.set(name, this.positions.size);
    const kind = typeof question.type === 'string' ? kindOf(question) : undefined;
    if (!kind) {
      return this.add(
        `${path}.type`,
        `${subject}: type ${JSON.stringify(question.type)}${question.inputType ? ` with inputType ${JSON.stringify(question.inputType)}` : ''} is not supported; use one of ${SUPPORTED_QUESTION_TYPES.join(', ')}`,
      );
    }
    for (const property of UNSUPPORTED_PROPERTIES) {
      if (property in question)
        this.add(`${path}.${property}`, `${subject}: ${property} is not supported`);
    }
    if (question.isRequired !== undefined && typeof question.isRequired !== 'boolean') {
      this.add(`${path}.isRequired`, `${subject}: isRequired must be true or false`);
    }
    this.checkText(`${path}.title`, `${subject} title`, question.title, true);
    this.checkText(`${path}.description`, `${subject} description`, question.description, false);
    if (question.visibleIf !== undefined) {
      this.checkCondition(
        `${path}.visibleIf`,
        subject,
        question.visibleIf,
        this.positions.get(name) ?? 0,
      );
    }
    this.checkKind(path, subject, kind, question);
  }

  private checkKind(
    path: string,
    subject: string,
    kind: QuestionKind,
    question: QuestionJson,
  ): void {
    switch (kind) {
      case 'nps':
      case 'csat':
      case 'rating': {
        const { min, max } = scaleOf(question);
        if (!Number.isInteger(min))
          this.add(`${path}.rateMin`, `${subject}: rateMin must be a whole number`);
        else if (!Number.isInteger(max))
          this.add(`${path}.rateMax`, `${subject}: rateMax must be a whole number`);
        else if (kind !== 'nps' && (min < 1 || max > 5 || min >= max)) {
          // 0-10 is read as NPS above; any other scale must lie within 1-5.
          const field = min < 1 || min >= max ? 'rateMin' : 'rateMax';
          this.add(
            `${path}.${field}`,
            `${subject}: the scale ${min} to ${max} is out of bounds; use 0 to 10 (NPS) or a scale within 1 to 5`,
          );
        }
        if (question.rateStep !== undefined && question.rateStep !== 1) {
          this.add(`${path}.rateStep`, `${subject}: rateStep must be 1`);
        }
        this.checkText(
          `${path}.minRateDescription`,
          `${subject} minRateDescription`,
          question.minRateDescription,
          false,
        );
        this.checkText(
          `${path}.maxRateDescription`,
          `${subject} maxRateDescription`,
          question.maxRateDescription,
          false,
        );
        break;
      }
      case 'single_choice':
      case 'multiple_choice': {
        const allowsOther = question.showOtherItem === true || question.hasOther === true;
        const choices = this.checkItems(
          `${path}.choices`,
          `${subject} choices`,
          question.choices,
          SurveyLimits.choices,
        );
        if (allowsOther && choices.some((choice) => String(choice.value) === OTHER_VALUE)) {
          this.add(
            `${path}.choices`,
            `${subject}: the value "${OTHER_VALUE}" is reserved for the "other" item`,
          );
        }
        this.checkText(`${path}.otherText`, `${subject} otherText`, question.otherText, false);
        if (kind === 'multiple_choice')
          this.checkSelectionBounds(
            path,
            subject,
            question,
            choices.length + (allowsOther ? 1 : 0),
          );
        break;
      }
      case 'text':
        if (
          question.maxLength !== undefined &&
          (!Number.isInteger(question.maxLength) ||
            question.maxLength > SurveyLimits.textAnswerLength)
        ) {
          this.add(
            `${path}.maxLength`,
            `${subject}: maxLength must be a whole number up to ${SurveyLimits.textAnswerLength}`,
          );
        }
        break;
      case 'date':
        for (const bound of ['min', 'max'] as const) {
          if (question[bound] !== undefined && !isValidDate(question[bound])) {
            this.add(`${path}.${bound}`, `${subject}: ${bound} must be a date (YYYY-MM-DD)`);
          }
        }
        if (isValidDate(question.min) && isValidDate(question.max) && question.min > question.max) {
          this.add(`${path}.max`, `${subject}: max is before min`);
        }
        break;
      case 'matrix':
        this.checkItems(`${path}.rows`, `${subject} rows`, question.rows, SurveyLimits.matrixRows);
        this.checkItems(
          `${path}.columns`,
          `${subject} columns`,
          question.columns,
          SurveyLimits.choices,
        );
        break;
      case 'boolean':
        break;
    }
  }

  private checkSelectionBounds(
    path: string,
    subject: string,
    question: QuestionJson,
    available: number,
  ): void {
    const { minSelectedChoices: min, maxSelectedChoices: max } = question;
    if (min !== undefined && (!Number.isInteger(min) || min < 0 || min > available)) {
      this.add(
        `${path}.minSelectedChoices`,
        `${subject}: minSelectedChoices must be a whole number from 0 to ${available}`,
      );
    }
    if (max !== undefined && (!Number.isInteger(max) || max < 0 || max > available)) {
      this.add(
        `${path}.maxSelectedChoices`,
        `${subject}: maxSelectedChoices must be a whole number from 0 to ${available}`,
      );
    }
    if (Number.isInteger(min) && Number.isInteger(max) && max !== 0 && (min ?? 0) > (max ?? 0)) {
      this.add(
        `${path}.maxSelectedChoices`,
        `${subject}: maxSelectedChoices is below minSelectedChoices`,
      );
    }
  }

  private checkItems(path: string, subject: string, items: unknown, limit: number): CompiledItem[] {
    if (!Array.isArray(items) || items.length === 0) {
      this.add(path, `${subject}: at least one is required`);
      return [];
    }
    if (items.length > limit) this.add(path, `${subject}: at most ${limit} are allowed`);
    const seen = new Set<string>();
    items.forEach((item: unknown, index) => {
      const value = isPlainObject(item) ? item['value'] : item;
      if ((typeof value !== 'string' || value.trim() === '') && typeof value !== 'number') {
        this.add(`${path}[${index}]`, `${subject}: each needs a value (string or number)`);
        return;
      }
      if (seen.has(String(value)))
        this.add(`${path}[${index}]`, `${subject}: the value "${value}" appears twice`);
      seen.add(String(value));
      if (isPlainObject(item))
        this.checkText(`${path}[${index}].text`, `${subject} "${value}" text`, item['text'], false);
    });
    return itemsOf(items as QuestionJson['choices']);
  }

  /** A condition must parse, be a condition, call known functions and read only earlier questions. */
  private checkCondition(
    field: string,
    subject: string,
    expression: unknown,
    position: number,
  ): string[] {
    if (
      typeof expression !== 'string' ||
      expression.trim() === '' ||
      expression.length > SurveyLimits.expressionLength
    ) {
      this.add(
        field,
        `${subject}: must be a non-empty expression of at most ${SurveyLimits.expressionLength} characters`,
      );
      return [];
    }
    const runner = new ConditionRunner(expression);
    const problems = runner.validate(
      noValues,
      { variables: false, functions: true, semantics: true },
      true,
    );
    if (
      !runner.canRun() ||
      problems.some((problem) => problem.errorType === ExpressionErrorType.SyntaxError)
    ) {
      this.add(field, `${subject}: the expression ${JSON.stringify(expression)} cannot be parsed`);
      return [];
    }
    for (const problem of problems) {
      if (problem.errorType === ExpressionErrorType.UnknownFunction) {
        this.add(
          field,
          `${subject}: unknown function ${problem.functionName ?? ''}() in ${JSON.stringify(expression)}`,
        );
      } else if (problem.errorType === ExpressionErrorType.SemanticError) {
        this.add(field, `${subject}: ${JSON.stringify(expression)} is not a true/false condition`);
      }
    }
    const referenced: string[] = [];
    for (const variable of runner.getVariables()) {
      if (variable === LANGUAGE_VARIABLE) continue;
      const questionId = questionIdOfVariable(variable);
      const referencedPosition = this.positions.get(questionId);
      if (referencedPosition === undefined && !this.allIds.has(questionId)) {
        this.add(
          field,
          `${subject}: the condition reads {${variable}}, which is not a question of this survey`,
        );
      } else if (referencedPosition === undefined || referencedPosition >= position) {
        this.add(
          field,
          `${subject}: the condition reads {${variable}}, which is not an earlier question`,
        );
      } else {
        referenced.push(questionId);
      }
    }
    return referenced;
  }

  private checkTriggers(triggers: unknown): void {
    if (triggers === undefined) return;
    if (!Array.isArray(triggers))
      return this.add('definition.triggers', 'must be a list of triggers');
    triggers.forEach((trigger: unknown, index) => {
      const path = `definition.triggers[${index}]`;
      if (!isPlainObject(trigger)) return this.add(path, 'must be a trigger object');
      const { type, expression, gotoName } = trigger;
      if (type !== 'skip' && type !== 'complete') {
        return this.add(
          `${path}.type`,
          `trigger type ${JSON.stringify(type)} is not supported; use skip or complete`,
        );
      }
      // Every question exists by now, so any question may be read; the anchor is the last one read.
      const referenced = this.checkCondition(
        `${path}.expression`,
        `Trigger ${index} (${type})`,
        expression,
        Number.MAX_SAFE_INTEGER,
      );
      if (referenced.length === 0) {
        if (this.issues.every((issue) => !issue.field.startsWith(`${path}.`))) {
          this.add(
            `${path}.expression`,
            `Trigger ${index} (${type}): the expression must read at least one question`,
          );
        }
        return;
      }
      const anchor = Math.max(...referenced.map((id) => this.positions.get(id) ?? -1));
      if (type === 'skip') {
        const target = typeof gotoName === 'string' ? this.positions.get(gotoName) : undefined;
        if (target === undefined) {
          this.add(
            `${path}.gotoName`,
            `Trigger ${index} (skip): gotoName ${JSON.stringify(gotoName)} is not a question of this survey`,
          );
        } else if (target <= anchor) {
          this.add(
            `${path}.gotoName`,
            `Trigger ${index} (skip): question "${String(gotoName)}" must come after the questions the expression reads`,
          );
        }
      } else if (gotoName !== undefined) {
        this.add(`${path}.gotoName`, `Trigger ${index} (complete): gotoName only applies to skip`);
      }
    });
  }

  /** survey-core's own reading of the JSON catches misspelt properties and wrong property types. */
  private checkWithSurveyJs(definition: SurveyDefinition): void {
    const model = new Model(definition);
    for (const error of model.jsonErrors ?? []) {
      const element = (error.element as { name?: unknown } | undefined)?.name;
      const where = typeof element === 'string' && element !== '' ? `"${element}": ` : '';
      this.add('definition', `${where}${error.message}`);
    }
    model.dispose();
  }
}

/**
 * Checks a survey definition before it is saved or published. Each issue names the JSON path and
 * the question: duplicate ids, conditions reading later or unknown questions, scales out of
 * bounds, choice questions without choices, texts missing in the default language, unsupported
 * SurveyJS types or properties, unparsable expressions.
 */
export function validateDefinition(
  definition: unknown,
  defaultLanguage: string,
): DefinitionIssue[] {
  const checker = new DefinitionChecker(defaultLanguage);
  checker.check(definition);
  return checker.issues;
}

/** Every language a definition has text in, the default one first. */
export function languagesOf(version: SurveyVersionInput): string[] {
  const languages = new Set<string>([version.defaultLanguage]);
  const visit = (value: unknown, key: string | undefined): void => {
    if (Array.isArray(value)) value.forEach((item) => visit(item, undefined));
    else if (isPlainObject(value)) {
      const looksLocalized =
        key !== undefined && isLocalizableText(value) && /title|text|description/i.test(key);
      if (looksLocalized) {
        for (const language of languagesOfText(value)) {
          if (isLanguageTag(language)) languages.add(language);
        }
      } else for (const [child, nested] of Object.entries(value)) visit(nested, child);
    }
  };
  visit(version.definition, undefined);
  return [...languages];
}
