import type { AlertSeverity } from '@careloop/contracts';
import type { StateChange } from '@careloop/messaging';
import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { timeKey } from '../staff/cursor';
import type { AlertCondition, AlertRule, AlertTrigger } from './alert-rule';

export interface StoredAlertRule extends AlertRule {
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AlertRuleInput {
  name: string;
  severity: AlertSeverity;
  surveyId?: string;
  enabled: boolean;
  condition: AlertCondition;
}

export interface RaisedAlertRecord {
  alertId: string;
  ruleId: string;
  responseId: string;
  sessionId: string;
  surveyId: string;
  surveyVersion: number;
  severity: AlertSeverity;
  triggers: AlertTrigger[];
  raisedAt: Date;
}

/** The latest published version of a survey, from the sessions feature's projection (read only). */
export interface LatestSurveyVersion {
  defaultLanguage: string;
  definition: Record<string, unknown>;
}

interface RuleRow {
  rule_id: string;
  name: string;
  severity: AlertSeverity;
  survey_id: string | null;
  condition: AlertCondition;
  enabled: boolean;
  created_key: string;
  updated_at: Date;
}

const ruleColumns = `rule_id, name, severity, survey_id, condition, enabled,
  ${timeKey('created_at')} AS created_key, updated_at`;

function toRule(row: RuleRow): StoredAlertRule {
  return {
    ruleId: row.rule_id,
    name: row.name,
    severity: row.severity,
    ...(row.survey_id !== null ? { surveyId: row.survey_id } : {}),
    condition: row.condition,
    enabled: row.enabled,
    createdAt: row.created_key,
    updatedAt: row.updated_at.toISOString(),
  };
}

@Injectable()
export class AlertsRepository {
  /** Oldest first by (created_at, rule_id); `after` is the key of the previous page's last rule. */
  async list(
    manager: EntityManager,
    orgId: string,
    page: { limit: number; after?: readonly string[] },
  ): Promise<StoredAlertRule[]> {
    await bindTenant(manager, orgId);
    const rows: RuleRow[] = await manager.query(
      `SELECT ${ruleColumns} FROM alert_rule
        WHERE org_id = $1 AND ($2::timestamptz IS NULL OR (created_at, rule_id) > ($2::timestamptz, $3::uuid))
        ORDER BY created_at, rule_id LIMIT $4`,
      [orgId, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit + 1],
    );
    return rows.map(toRule);
  }

  async find(
    manager: EntityManager,
    orgId: string,
    ruleId: string,
  ): Promise<StoredAlertRule | undefined> {
    await bindTenant(manager, orgId);
    const [row]: RuleRow[] = await manager.query(
      `SELECT ${ruleColumns} FROM alert_rule WHERE org_id = $1 AND rule_id = $2`,
      [orgId, ruleId],
    );
    return row ? toRule(row) : undefined;
  }

  async insert(
    manager: EntityManager,
    orgId: string,
    ruleId: string,
    rule: AlertRuleInput,
    createdBy: string,
  ): Promise<StoredAlertRule> {
    await bindTenant(manager, orgId);
    const [row]: RuleRow[] = await manager.query(
      `INSERT INTO alert_rule (rule_id, org_id, name, severity, survey_id, condition, enabled, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${ruleColumns}`,
      [
        ruleId,
        orgId,
        rule.name,
        rule.severity,
        rule.surveyId ?? null,
        JSON.stringify(rule.condition),
        rule.enabled,
        createdBy,
      ],
    );
    if (!row) throw new Error('alert rule insert returned no row');
    return toRule(row);
  }

  async replace(
    manager: EntityManager,
    orgId: string,
    ruleId: string,
    rule: AlertRuleInput,
  ): Promise<StoredAlertRule | undefined> {
    await bindTenant(manager, orgId);
    // A bare UPDATE answers [rows, count] through TypeORM; the CTE keeps it a plain row list.
    const rows: RuleRow[] = await manager.query(
      `WITH updated AS (
         UPDATE alert_rule SET name = $3, severity = $4, survey_id = $5, condition = $6, enabled = $7,
                updated_at = now()
          WHERE org_id = $1 AND rule_id = $2 RETURNING *
       ) SELECT ${ruleColumns} FROM updated`,
      [
        orgId,
        ruleId,
        rule.name,
        rule.severity,
        rule.surveyId ?? null,
        JSON.stringify(rule.condition),
        rule.enabled,
      ],
    );
    return rows[0] ? toRule(rows[0]) : undefined;
  }

  async delete(manager: EntityManager, orgId: string, ruleId: string): Promise<boolean> {
    await bindTenant(manager, orgId);
    const rows: unknown[] = await manager.query(
      `WITH deleted AS (DELETE FROM alert_rule WHERE org_id = $1 AND rule_id = $2 RETURNING rule_id)
       SELECT rule_id FROM deleted`,
      [orgId, ruleId],
    );
    return rows.length > 0;
  }

  /** Enabled rules that apply to a response of this survey: its own and the org-wide ones. */
  async enabledFor(manager: EntityManager, orgId: string, surveyId: string): Promise<AlertRule[]> {
    await bindTenant(manager, orgId);
    const rows: RuleRow[] = await manager.query(
      `SELECT ${ruleColumns} FROM alert_rule
        WHERE org_id = $1 AND enabled AND (survey_id IS NULL OR survey_id = $2)
        ORDER BY created_at, rule_id`,
      [orgId, surveyId],
    );
    return rows.map(toRule);
  }

  /** Every enabled rule of the org, whatever survey it is for. */
  async enabledOf(manager: EntityManager, orgId: string): Promise<AlertRule[]> {
    await bindTenant(manager, orgId);
    const rows: RuleRow[] = await manager.query(
      `SELECT ${ruleColumns} FROM alert_rule WHERE org_id = $1 AND enabled
        ORDER BY created_at, rule_id`,
      [orgId],
    );
    return rows.map(toRule);
  }

  async latestVersion(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
  ): Promise<LatestSurveyVersion | undefined> {
    await bindTenant(manager, orgId);
    const [row]: { default_language: string; definition: Record<string, unknown> }[] =
      await manager.query(
        `SELECT v.default_language, v.definition FROM survey_version v
          WHERE v.org_id = $1 AND v.survey_id = $2 ORDER BY v.version DESC LIMIT 1`,
        [orgId, surveyId],
      );
    return row ? { defaultLanguage: row.default_language, definition: row.definition } : undefined;
  }

  /**
   * The alert as one statement for `OutboxWriter.appendWith`: it returns a row only the first time
   * this rule fires for this response, so a redelivered response raises no second alert.
   */
  alertStatement(orgId: string, alert: RaisedAlertRecord): StateChange {
    return {
      sql: `INSERT INTO feedback_alert
              (alert_id, org_id, rule_id, response_id, session_id, survey_id, survey_version, severity, triggers, raised_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (org_id, response_id, rule_id) DO NOTHING RETURNING alert_id`,
      parameters: [
        alert.alertId,
        orgId,
        alert.ruleId,
        alert.responseId,
        alert.sessionId,
        alert.surveyId,
        alert.surveyVersion,
        alert.severity,
        JSON.stringify(alert.triggers),
        alert.raisedAt,
      ],
    };
  }
}
