import { ConditionRunner } from 'survey-core';
import type {
  ItemValueJson,
  LocalizableText,
  QuestionJson,
  QuestionKind,
  SurveyDefinition,
  SurveyVersionInput,
  TriggerJson,
} from './survey-definition';
import { LANGUAGE_VARIABLE, OTHER_TEXT_SUFFIX } from './survey-definition';

export interface CompiledItem {
  value: string | number;
  text: LocalizableText | undefined;
}

export interface CompiledQuestion {
  id: string;
  index: number;
  kind: QuestionKind;
  json: QuestionJson;
  pageName: string;
  isRequired: boolean;
  /** The page's and the question's `visibleIf`; all must hold. */
  conditions: ConditionRunner[];
  choices: CompiledItem[];
  allowsOther: boolean;
  rows: CompiledItem[];
  columns: CompiledItem[];
  scaleMin: number;
  scaleMax: number;
  eachRowRequired: boolean;
}

export interface CompiledTrigger {
  type: TriggerJson['type'];
  condition: ConditionRunner;
  /** Index of the last question the expression reads: the trigger is decided once that one is passed. */
  anchorIndex: number;
  targetIndex: number | undefined;
}

export interface CompiledSurvey {
  defaultLanguage: string;
  questions: CompiledQuestion[];
  byId: Map<string, CompiledQuestion>;
  triggersByAnchor: Map<number, CompiledTrigger[]>;
}

/** SurveyJS element types CareLoop accepts, and how it reads each. */
export function kindOf(question: QuestionJson): QuestionKind | undefined {
  switch (question.type) {
    case 'rating': {
      const { min, max } = scaleOf(question);
      if (min === 0 && max === 10) return 'nps';
      return question.rateType === 'stars' ? 'rating' : 'csat';
    }
    case 'radiogroup':
    case 'dropdown':
      return 'single_choice';
    case 'checkbox':
      return 'multiple_choice';
    case 'boolean':
      return 'boolean';
    case 'comment':
      return 'text';
    case 'text':
      if (question.inputType === undefined || question.inputType === 'text') return 'text';
      return question.inputType === 'date' ? 'date' : undefined;
    case 'matrix':
      return 'matrix';
    default:
      return undefined;
  }
}

/** SurveyJS's rating defaults are 1 to 5. */
export function scaleOf(question: QuestionJson): { min: number; max: number } {
  return { min: question.rateMin ?? 1, max: question.rateMax ?? 5 };
}

export function itemsOf(items: ItemValueJson[] | undefined): CompiledItem[] {
  if (!Array.isArray(items)) return [];
  return items.map((item) =>
    typeof item === 'object' && item !== null
      ? { value: item.value, text: item.text ?? String(item.value) }
      : { value: item, text: String(item) },
  );
}

/** The question a variable of an expression reads: `{nps}`, `{matrix.row}`, `{q-Comment}`. */
export function questionIdOfVariable(variable: string): string {
  const head = variable.split('.')[0] ?? variable;
  return head.endsWith(OTHER_TEXT_SUFFIX) ? head.slice(0, -OTHER_TEXT_SUFFIX.length) : head;
}

export function questionsOf(
  definition: SurveyDefinition,
): { page: string; question: QuestionJson }[] {
  const pages = Array.isArray(definition.pages)
    ? definition.pages
    : [{ name: 'page1', elements: definition.elements }];
  return pages.flatMap((page, pageIndex) =>
    (Array.isArray(page.elements) ? page.elements : []).map((question) => ({
      page: typeof page.name === 'string' ? page.name : `page${pageIndex + 1}`,
      question,
    })),
  );
}

function compile(version: SurveyVersionInput): CompiledSurvey {
  const definition: SurveyDefinition = version.definition;
  const pages = Array.isArray(definition.pages) ? definition.pages : [];
  const pageConditions = new Map<string, ConditionRunner>();
  pages.forEach((page, pageIndex) => {
    if (typeof page.visibleIf === 'string' && page.visibleIf.trim() !== '') {
      pageConditions.set(page.name ?? `page${pageIndex + 1}`, new ConditionRunner(page.visibleIf));
    }
  });
  const questions: CompiledQuestion[] = [];
  const byId = new Map<string, CompiledQuestion>();
  for (const [index, { page, question }] of questionsOf(definition).entries()) {
    const kind = kindOf(question);
    if (!kind) throw new TypeError(`Question "${question.name}" has an unsupported type`);
    const conditions: ConditionRunner[] = [];
    const pageCondition = pageConditions.get(page);
    if (pageCondition) conditions.push(pageCondition);
    if (typeof question.visibleIf === 'string' && question.visibleIf.trim() !== '') {
      conditions.push(new ConditionRunner(question.visibleIf));
    }
    const { min, max } = scaleOf(question);
    const compiled: CompiledQuestion = {
      id: question.name,
      index,
      kind,
      json: question,
      pageName: page,
      isRequired: question.isRequired === true,
      conditions,
      choices: itemsOf(question.choices),
      allowsOther: question.showOtherItem === true || question.hasOther === true,
      rows: itemsOf(question.rows),
      columns: itemsOf(question.columns),
      scaleMin: min,
      scaleMax: max,
      eachRowRequired: question.isAllRowRequired === true || question.eachRowRequired === true,
    };
    questions.push(compiled);
    byId.set(compiled.id, compiled);
  }
  const triggersByAnchor = new Map<number, CompiledTrigger[]>();
  for (const trigger of Array.isArray(definition.triggers) ? definition.triggers : []) {
    const condition = new ConditionRunner(trigger.expression);
    const indexes = condition
      .getVariables()
      .filter((variable) => variable !== LANGUAGE_VARIABLE)
      .map((variable) => byId.get(questionIdOfVariable(variable))?.index ?? -1);
    const anchorIndex = Math.max(-1, ...indexes);
    const compiled: CompiledTrigger = {
      type: trigger.type,
      condition,
      anchorIndex,
      targetIndex: trigger.gotoName === undefined ? undefined : byId.get(trigger.gotoName)?.index,
    };
    triggersByAnchor.set(anchorIndex, [...(triggersByAnchor.get(anchorIndex) ?? []), compiled]);
  }
  return { defaultLanguage: version.defaultLanguage, questions, byId, triggersByAnchor };
}

// A published version never changes, so its compiled form is kept as long as its object lives.
const compiled = new WeakMap<object, Map<string, CompiledSurvey>>();

/** The definition's questions, conditions and triggers, parsed once per definition object. */
export function compileSurvey(version: SurveyVersionInput): CompiledSurvey {
  const byLanguage = compiled.get(version.definition) ?? new Map<string, CompiledSurvey>();
  const cached = byLanguage.get(version.defaultLanguage);
  if (cached) return cached;
  const survey = compile(version);
  byLanguage.set(version.defaultLanguage, survey);
  compiled.set(version.definition, byLanguage);
  return survey;
}
