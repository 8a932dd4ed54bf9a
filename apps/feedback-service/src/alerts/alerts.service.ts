import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@careloop/audit';
import type {
  CursorPage,
  FeedbackAlertRaisedV1,
  SurveyResponseSubmittedV1,
} from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import { InboxRunner, OutboxWriter } from '@careloop/messaging';
import { TenantTransactions } from '@careloop/persistence';
import type { Principal } from '@careloop/security';
import type { QuestionJson, SurveyVersionInput } from '@careloop/surveys';
import { outlineQuestions } from '@careloop/surveys';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_ORG_SETTINGS } from '../projections/org-settings.defaults';
import { ProjectionsRepository } from '../projections/projections.repository';
import { SurveyVersionCache } from '../projections/survey-version.cache';
import { toPage } from '../staff/cursor';
import type { AlertCondition, AlertRule, AlertTrigger, RuleQuestion } from './alert-rule';
import { evaluateAlertRule, unmatchableReasons } from './alert-rule';
import type { AlertRuleInput, StoredAlertRule } from './alerts.repository';
import { AlertRulesCache } from './alert-rules.cache';
import { AlertsRepository } from './alerts.repository';
import { ruleCannotMatch, ruleNotFound } from './alerts.errors';
import type { AlertConditionDto, AlertRuleDto, AlertRuleResponse } from './dto/alert-rule.dto';

/** The most triggers one alert carries (the event's bound); a rule over many questions is cut. */
const MAX_TRIGGERS = 100;

function toResponse(rule: StoredAlertRule): AlertRuleResponse {
  return {
    ruleId: rule.ruleId,
    name: rule.name,
    severity: rule.severity,
    surveyId: rule.surveyId ?? null,
    enabled: rule.enabled,
    condition: rule.condition,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}

/** Keeps only the fields the condition's type reads, so a stored rule says exactly what it does. */
export function conditionOf(dto: AlertConditionDto): AlertCondition {
  switch (dto.type) {
    case 'score':
      return {
        type: 'score',
        ...(dto.questionId !== undefined ? { questionId: dto.questionId } : {}),
        ...(dto.questionKind !== undefined ? { questionKind: dto.questionKind } : {}),
        operator: dto.operator ?? 'lte',
        value: dto.value ?? 0,
      };
    case 'choice':
      return { type: 'choice', questionId: dto.questionId ?? '', choices: dto.choices ?? [] };
    case 'keyword':
      return {
        type: 'keyword',
        ...(dto.questionId !== undefined ? { questionId: dto.questionId } : {}),
        keywords: dto.keywords ?? [],
      };
  }
}

function elementsOf(definition: Record<string, unknown>): QuestionJson[] {
  const pages = Array.isArray(definition['pages'])
    ? (definition['pages'] as { elements?: unknown }[])
    : [];
  const lists = [definition['elements'], ...pages.map((page) => page.elements)];
  return lists.flatMap((list) => (Array.isArray(list) ? (list as QuestionJson[]) : []));
}

/** Kind, scale and choices of each question of a version, for the rule checks. */
export function ruleQuestionsOf(version: SurveyVersionInput): Map<string, RuleQuestion> {
  const choices = new Map(
    elementsOf(version.definition as Record<string, unknown>).map((element) => [
      element.name,
      (element.choices ?? []).map((choice) => (typeof choice === 'object' ? choice.value : choice)),
    ]),
  );
  return new Map(
    outlineQuestions(version).map((outline) => [
      outline.questionId,
      {
        kind: outline.kind,
        ...(outline.scaleMin !== undefined ? { scaleMin: outline.scaleMin } : {}),
        ...(outline.scaleMax !== undefined ? { scaleMax: outline.scaleMax } : {}),
        choices: choices.get(outline.questionId) ?? [],
      },
    ]),
  );
}

/** The rules that fire for a response, with what triggered each. */
function firedRules(
  rules: readonly AlertRule[],
  response: SurveyResponseSubmittedV1,
  version: SurveyVersionInput | undefined,
): { rule: AlertRule; triggers: AlertTrigger[] }[] {
  const kinds = new Map(
    version
      ? outlineQuestions(version).map((question) => [question.questionId, question.kind])
      : [],
  );
  const evaluated = { surveyId: response.surveyId, answers: response.answers, kinds };
  return rules
    .map((rule) => ({ rule, triggers: evaluateAlertRule(rule, evaluated) }))
    .filter(({ triggers }) => triggers.length > 0);
}

/**
 * Alert rules per organization (staff CRUD) and their evaluation on every submitted response:
 * each rule that fires writes one alert and its `feedback.alert.raised` in the consumer's
 * transaction, carrying what notification-service needs to tell staff without reading our data.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);

  constructor(
    private readonly rules: AlertsRepository,
    private readonly projections: ProjectionsRepository,
    private readonly versions: SurveyVersionCache,
    private readonly transactions: TenantTransactions,
    private readonly outbox: OutboxWriter,
    private readonly auditTrail: AuditTrail,
    private readonly inbox: InboxRunner,
    private readonly rulesCache: AlertRulesCache,
  ) {}

  list(
    caller: Principal,
    page: { limit: number; after?: readonly string[] },
  ): Promise<CursorPage<AlertRuleResponse>> {
    return this.transactions.inTenant(caller.orgId, async (manager) => {
      const rows = await this.rules.list(manager, caller.orgId, page);
      return toPage(rows, page.limit, (rule) => [rule.createdAt, rule.ruleId], toResponse);
    });
  }

  get(caller: Principal, ruleId: string): Promise<AlertRuleResponse> {
    return this.transactions.inTenant(caller.orgId, async (manager) => {
      const rule = await this.rules.find(manager, caller.orgId, ruleId);
      if (!rule) throw ruleNotFound();
      return toResponse(rule);
    });
  }

  async create(caller: Principal, dto: AlertRuleDto): Promise<AlertRuleResponse> {
    const created = await this.transactions.inTenant(caller.orgId, async (manager) => {
      const input = await this.checked(manager, caller.orgId, dto);
      const rule = await this.rules.insert(
        manager,
        caller.orgId,
        randomUUID(),
        input,
        caller.userId ?? caller.clientId ?? 'unknown',
      );
      await this.audit(manager, caller, 'alert_rule.created', rule);
      return toResponse(rule);
    });
    await this.rulesCache.invalidate(caller.orgId);
    return created;
  }

  async replace(caller: Principal, ruleId: string, dto: AlertRuleDto): Promise<AlertRuleResponse> {
    const replaced = await this.transactions.inTenant(caller.orgId, async (manager) => {
      const input = await this.checked(manager, caller.orgId, dto);
      const rule = await this.rules.replace(manager, caller.orgId, ruleId, input);
      if (!rule) throw ruleNotFound();
      await this.audit(manager, caller, 'alert_rule.updated', rule);
      return toResponse(rule);
    });
    await this.rulesCache.invalidate(caller.orgId);
    return replaced;
  }

  async remove(caller: Principal, ruleId: string): Promise<void> {
    await this.transactions.inTenant(caller.orgId, async (manager) => {
      if (!(await this.rules.delete(manager, caller.orgId, ruleId))) throw ruleNotFound();
      await this.auditTrail.record(manager, {
        orgId: caller.orgId,
        action: 'alert_rule.deleted',
        target: { type: 'alert_rule', id: ruleId },
      });
    });
    await this.rulesCache.invalidate(caller.orgId);
  }

  private audit(
    manager: EntityManager,
    caller: Principal,
    action: string,
    rule: StoredAlertRule,
  ): Promise<void> {
    return this.auditTrail.record(manager, {
      orgId: caller.orgId,
      action,
      target: { type: 'alert_rule', id: rule.ruleId },
      metadata: { name: rule.name, severity: rule.severity, type: rule.condition.type },
    });
  }

  /** 422 when the rule could never fire, checked against the survey's latest version if scoped. */
  private async checked(
    manager: EntityManager,
    orgId: string,
    dto: AlertRuleDto,
  ): Promise<AlertRuleInput> {
    const condition = conditionOf(dto.condition);
    let questions: Map<string, RuleQuestion> | undefined;
    if (dto.surveyId !== undefined) {
      const version = await this.rules.latestVersion(manager, orgId, dto.surveyId);
      if (!version) {
        throw ruleCannotMatch([
          { field: 'surveyId', message: 'no published survey of this organization has this id' },
        ]);
      }
      questions = ruleQuestionsOf(version);
    }
    const problems = unmatchableReasons(condition, questions);
    if (problems.length > 0) throw ruleCannotMatch(problems);
    return {
      name: dto.name,
      severity: dto.severity,
      ...(dto.surveyId !== undefined ? { surveyId: dto.surveyId } : {}),
      enabled: dto.enabled ?? true,
      condition,
    };
  }

  /**
   * Whether any enabled rule fires for this response, judged on the rules cached in process. The
   * consumer opens a transaction and claims the event only then: a response that fires nothing
   * writes nothing, so it needs no inbox entry to stay idempotent, and most responses cost no
   * database round trip at all. Every rule write invalidates the cache on every instance before
   * it answers; only an instance cut off from Redis can screen with a rule set up to 30 s old. The
   * transaction reads the rules again, so a stale copy never raises a deleted or disabled rule.
   */
  async mayRaise(response: SurveyResponseSubmittedV1): Promise<boolean> {
    const { orgId, surveyId, surveyVersion } = response;
    const rules = await this.rulesCache.enabledFor(orgId, surveyId);
    if (rules.length === 0) return false;
    const version =
      this.versions.peek(orgId, surveyId, surveyVersion) ??
      (await this.transactions.inTenant(orgId, (manager) =>
        this.versions.get(manager, orgId, surveyId, surveyVersion),
      ));
    return firedRules(rules, response, version).length > 0;
  }

  /** The rules of a survey, read once per inbox transaction (a chunk of responses shares them). */
  private enabledRules(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
  ): Promise<AlertRule[]> {
    const known = this.inbox.transactionState(
      manager,
      'alert-rules',
      () => new Map<string, Promise<AlertRule[]>>(),
    );
    const key = `${orgId}/${surveyId}`;
    let rules = known.get(key);
    if (!rules) {
      rules = this.rules.enabledFor(manager, orgId, surveyId);
      known.set(key, rules);
    }
    return rules;
  }

  /**
   * Every enabled rule of the org against one response, in the consumer's inbox transaction.
   * Returns whether any alert was raised; an alert already raised for (response, rule) is not
   * raised again.
   */
  async evaluateResponse(
    manager: EntityManager,
    response: SurveyResponseSubmittedV1,
    now: Date = new Date(),
  ): Promise<'processed' | 'skipped'> {
    const { orgId } = response;
    const rules = await this.enabledRules(manager, orgId, response.surveyId);
    if (rules.length === 0) return 'skipped';
    const version = await this.versions.get(
      manager,
      orgId,
      response.surveyId,
      response.surveyVersion,
    );
    if (!version) {
      // The response was validated against this version here, so it is only missing on a replay
      // into a fresh database: rules by question id still work, rules by kind cannot.
      this.logger.warn({
        msg: 'survey version unknown; evaluating alert rules without question kinds',
        surveyId: response.surveyId,
        surveyVersion: response.surveyVersion,
        responseId: response.responseId,
      });
    }
    const fired = firedRules(rules, response, version);
    if (fired.length === 0) return 'skipped';
    const settings = (await this.projections.findSettings(manager, orgId)) ?? DEFAULT_ORG_SETTINGS;
    let raised = 0;
    for (const { rule, triggers } of fired) {
      if (
        await this.raise(
          manager,
          response,
          rule,
          triggers.slice(0, MAX_TRIGGERS),
          settings.alertRecipients,
          now,
        )
      ) {
        raised += 1;
      }
    }
    return raised > 0 ? 'processed' : 'skipped';
  }

  private async raise(
    manager: EntityManager,
    response: SurveyResponseSubmittedV1,
    rule: AlertRule,
    triggers: FeedbackAlertRaisedV1['triggers'],
    recipients: string[],
    now: Date,
  ): Promise<boolean> {
    const alertId = randomUUID();
    const data: FeedbackAlertRaisedV1 = {
      alertId,
      orgId: response.orgId,
      sessionId: response.sessionId,
      responseId: response.responseId,
      surveyId: response.surveyId,
      surveyVersion: response.surveyVersion,
      ruleId: rule.ruleId,
      ruleName: rule.name,
      severity: rule.severity,
      triggers,
      notifyEmails: recipients,
      raisedAt: now.toISOString(),
      ...(response.site !== undefined ? { site: response.site } : {}),
      ...(response.provider !== undefined ? { provider: response.provider } : {}),
    };
    const written = await this.outbox.appendWith(
      manager,
      this.rules.alertStatement(response.orgId, {
        alertId,
        ruleId: rule.ruleId,
        responseId: response.responseId,
        sessionId: response.sessionId,
        surveyId: response.surveyId,
        surveyVersion: response.surveyVersion,
        severity: rule.severity,
        triggers,
        raisedAt: now,
      }),
      EventTypes.FeedbackAlertRaised,
      { subject: alertId, orgId: response.orgId, data },
    );
    return written !== null;
  }
}
