import type { AlertSeverity, QuestionKind } from '@careloop/contracts';
import { QUESTION_KINDS } from '@careloop/contracts';

/** Kinds a score rule can compare, with the scale libs/surveys gives each when it is fixed. */
export const SCORED_KINDS = ['nps', 'csat', 'rating'] as const;
export type ScoredKind = (typeof SCORED_KINDS)[number];
const fixedScales: Partial<Record<ScoredKind, { min: number; max: number }>> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
};

export const SCORE_OPERATORS = ['lt', 'lte', 'eq', 'gte', 'gt'] as const;
export type ScoreOperator = (typeof SCORE_OPERATORS)[number];

export const CONDITION_TYPES = ['score', 'choice', 'keyword'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/**
 * What makes a response alert-worthy. A score rule names a question or every question of a kind
 * ("any NPS <= 6"); a choice rule fires when any listed choice was picked; a keyword rule when a
 * free-text answer contains a listed word (case and accents ignored, whole words only).
 */
export type AlertCondition =
  | {
      type: 'score';
      questionId?: string;
      questionKind?: string;
      operator: ScoreOperator;
      value: number;
    }
  | { type: 'choice'; questionId: string; choices: (string | number | boolean)[] }
  | { type: 'keyword'; questionId?: string; keywords: string[] };

export interface AlertRule {
  ruleId: string;
  name: string;
  severity: AlertSeverity;
  /** Only responses to this survey; every survey of the org when absent. */
  surveyId?: string;
  condition: AlertCondition;
}

/** A response as rules see it: the answers and, when the version is known, each question's kind. */
export interface EvaluatedResponse {
  surveyId: string;
  answers: Record<string, unknown>;
  kinds: ReadonlyMap<string, QuestionKind>;
}

export interface AlertTrigger {
  questionId: string;
  value: unknown;
}

/** Longest excerpt of free text an alert carries (notification-service puts it in an email). */
export const EXCERPT_LENGTH = 160;

function compare(answer: number, operator: ScoreOperator, value: number): boolean {
  switch (operator) {
    case 'lt':
      return answer < value;
    case 'lte':
      return answer <= value;
    case 'eq':
      return answer === value;
    case 'gte':
      return answer >= value;
    case 'gt':
      return answer > value;
  }
}

/** Lower case without diacritics, so "Désagréable" matches the keyword "desagreable". */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const emailPattern = /[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:]+/g;
// Seven or more digits with the usual separators: phone numbers, also without a leading +.
const phonePattern = /\+?\d[\d\s().-]{5,}\d/g;

/** Contact data a patient typed into a comment never leaves in an alert. */
export function redactContacts(text: string): string {
  return text.replace(emailPattern, '[email]').replace(phonePattern, '[phone]');
}

/**
 * Up to EXCERPT_LENGTH characters of `text` around position `at`, contacts redacted, with an
 * ellipsis where it was cut.
 */
export function excerptAround(text: string, at: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= EXCERPT_LENGTH) return redactContacts(clean);
  const start = Math.max(0, Math.min(at - EXCERPT_LENGTH / 3, clean.length - EXCERPT_LENGTH));
  const cut = clean.slice(Math.floor(start), Math.floor(start) + EXCERPT_LENGTH);
  const prefix = start > 0 ? '…' : '';
  const suffix = start + EXCERPT_LENGTH < clean.length ? '…' : '';
  return redactContacts(`${prefix}${cut.trim()}${suffix}`);
}

function keywordMatcher(keywords: readonly string[]): RegExp {
  const alternatives = keywords
    .map((keyword) => foldText(keyword.trim()))
    .filter((keyword) => keyword.length > 0)
    .map(escapeRegExp);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'u');
}

function scoreTriggers(
  condition: Extract<AlertCondition, { type: 'score' }>,
  response: EvaluatedResponse,
): AlertTrigger[] {
  const questionIds =
    condition.questionId !== undefined
      ? [condition.questionId]
      : [...response.kinds].filter(([, kind]) => kind === condition.questionKind).map(([id]) => id);
  return questionIds.flatMap((questionId) => {
    const answer = response.answers[questionId];
    return typeof answer === 'number' && compare(answer, condition.operator, condition.value)
      ? [{ questionId, value: answer }]
      : [];
  });
}

function choiceTriggers(
  condition: Extract<AlertCondition, { type: 'choice' }>,
  response: EvaluatedResponse,
): AlertTrigger[] {
  const answer = response.answers[condition.questionId];
  const picked = Array.isArray(answer) ? (answer as unknown[]) : [answer];
  // Choice values compare as text: a definition's 1 and a rule's "1" are the same choice.
  const wanted = new Set(condition.choices.map(String));
  const matched = picked.filter(
    (value) =>
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
      wanted.has(String(value)),
  );
  if (matched.length === 0) return [];
  return [{ questionId: condition.questionId, value: Array.isArray(answer) ? matched : answer }];
}

/** Free-text answers of a response: text questions, and the "other" comments (`q-Comment`). */
function textAnswers(response: EvaluatedResponse, questionId?: string): [string, string][] {
  return Object.entries(response.answers).filter((entry): entry is [string, string] => {
    const [key, value] = entry;
    if (typeof value !== 'string') return false;
    const base = key.endsWith('-Comment') ? key.slice(0, -'-Comment'.length) : key;
    if (questionId !== undefined) return key === questionId || base === questionId;
    if (base !== key) return true;
    const kind = response.kinds.get(key);
    // Without the version's kinds, every string answer counts as text.
    return response.kinds.size === 0 || kind === 'text';
  });
}

function keywordTriggers(
  condition: Extract<AlertCondition, { type: 'keyword' }>,
  response: EvaluatedResponse,
): AlertTrigger[] {
  const matcher = keywordMatcher(condition.keywords);
  return textAnswers(response, condition.questionId).flatMap(([questionId, text]) => {
    // Folding keeps positions for the usual precomposed letters; close enough for an excerpt.
    const found = matcher.exec(foldText(text));
    return found ? [{ questionId, value: excerptAround(text, found.index) }] : [];
  });
}

/**
 * The answers of `response` that meet `rule`, or an empty list when the rule does not fire.
 * Pure: no I/O, so the same response and rule always give the same alert.
 */
export function evaluateAlertRule(rule: AlertRule, response: EvaluatedResponse): AlertTrigger[] {
  if (rule.surveyId !== undefined && rule.surveyId !== response.surveyId) return [];
  const { condition } = rule;
  switch (condition.type) {
    case 'score':
      return scoreTriggers(condition, response);
    case 'choice':
      return choiceTriggers(condition, response);
    case 'keyword':
      return keywordTriggers(condition, response);
  }
}

/** A question of the survey a rule is scoped to, as far as a rule check needs it. */
export interface RuleQuestion {
  kind: QuestionKind;
  scaleMin?: number;
  scaleMax?: number;
  choices?: (string | number)[];
}

export interface RuleProblem {
  field: string;
  message: string;
}

function scaleAllows(
  scale: { min: number; max: number },
  operator: ScoreOperator,
  value: number,
): boolean {
  for (let score = scale.min; score <= scale.max; score += 1) {
    if (compare(score, operator, value)) return true;
  }
  return false;
}

const choiceKinds: readonly QuestionKind[] = ['single_choice', 'multiple_choice', 'boolean'];

/**
 * Why a well-formed rule could never fire (the 422 of the rule API): an unknown or unscored
 * question kind, a threshold outside the scale, or, when the rule is scoped to a survey whose
 * latest version is given, a question it does not have or of the wrong kind, or a choice it
 * does not offer. Empty when the rule can match.
 */
export function unmatchableReasons(
  condition: AlertCondition,
  questions?: ReadonlyMap<string, RuleQuestion>,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const question =
    condition.questionId !== undefined ? questions?.get(condition.questionId) : undefined;
  if (questions && condition.questionId !== undefined && !question) {
    problems.push({
      field: 'condition.questionId',
      message: `the survey has no question '${condition.questionId}'`,
    });
  }
  switch (condition.type) {
    case 'score': {
      let kind: string | undefined = condition.questionKind;
      if (kind !== undefined && !(QUESTION_KINDS as readonly string[]).includes(kind)) {
        problems.push({
          field: 'condition.questionKind',
          message: `unknown question kind '${kind}'`,
        });
        break;
      }
      if (kind !== undefined && !(SCORED_KINDS as readonly string[]).includes(kind)) {
        problems.push({
          field: 'condition.questionKind',
          message: `a score rule needs a scored question kind (${SCORED_KINDS.join(', ')}), not '${kind}'`,
        });
        break;
      }
      if (question) {
        if (!(SCORED_KINDS as readonly string[]).includes(question.kind)) {
          problems.push({
            field: 'condition.questionId',
            message: `'${condition.questionId}' is a ${question.kind} question, not a scored one`,
          });
          break;
        }
        if (kind !== undefined && kind !== question.kind) {
          problems.push({
            field: 'condition.questionKind',
            message: `'${condition.questionId}' is a ${question.kind} question, not ${kind}`,
          });
          break;
        }
        kind = question.kind;
      }
      const scale =
        question?.scaleMin !== undefined && question.scaleMax !== undefined
          ? { min: question.scaleMin, max: question.scaleMax }
          : fixedScales[kind as ScoredKind];
      if (scale && !scaleAllows(scale, condition.operator, condition.value)) {
        problems.push({
          field: 'condition.value',
          message: `no ${kind ?? 'score'} between ${scale.min} and ${scale.max} is ${condition.operator} ${condition.value}`,
        });
      }
      break;
    }
    case 'choice': {
      if (!question) break;
      if (!choiceKinds.includes(question.kind)) {
        problems.push({
          field: 'condition.questionId',
          message: `'${condition.questionId}' is a ${question.kind} question, not a choice one`,
        });
        break;
      }
      const offered = new Set(
        question.kind === 'boolean' ? ['true', 'false'] : (question.choices ?? []).map(String),
      );
      // "other" is a choice of any question that allows it; the definition check knows that.
      offered.add('other');
      const unknown = condition.choices.map(String).filter((choice) => !offered.has(choice));
      if (unknown.length === condition.choices.length) {
        problems.push({
          field: 'condition.choices',
          message: `'${condition.questionId}' offers none of ${unknown.join(', ')}`,
        });
      }
      break;
    }
    case 'keyword': {
      if (question && question.kind !== 'text') {
        problems.push({
          field: 'condition.questionId',
          message: `'${condition.questionId}' is a ${question.kind} question, not a free-text one`,
        });
      }
      if (condition.keywords.every((keyword) => foldText(keyword.trim()).length === 0)) {
        problems.push({ field: 'condition.keywords', message: 'every keyword is blank' });
      }
      break;
    }
  }
  return problems;
}
