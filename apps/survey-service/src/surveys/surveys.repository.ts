import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type SurveyStatus = 'active' | 'archived';
export type VersionStatus = 'draft' | 'published';

/** A distribution rule as stored and served: lists are ORed values, an absent list matches all. */
export interface DistributionRule {
  ruleId: string;
  /** Lower first; the rule's position in the list the editor sent. */
  priority: number;
  appointmentTypes?: string[];
  departments?: string[];
  sites?: string[];
  providers?: string[];
  samplingRate: number;
  channels: ('email' | 'sms')[];
}

export interface SurveyRecord {
  surveyId: string;
  orgId: string;
  status: SurveyStatus;
  latestVersion: number;
  publishedVersion: number | null;
  distributionRules: DistributionRule[];
  distributionRevision: number;
  /** Bumped by every change of the survey or its versions; the read cache orders writes by it. */
  revision: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export interface SurveyVersionRecord {
  surveyId: string;
  version: number;
  status: VersionStatus;
  title: string;
  defaultLanguage: string;
  definition: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

export interface VersionContent {
  title: string;
  defaultLanguage: string;
  definition: Record<string, unknown>;
}

export interface SurveyListRow {
  survey: SurveyRecord;
  latest: SurveyVersionRecord;
  /** Sort key of the row: created_at at microsecond precision, then the id. */
  cursorKey: [string, string];
}

const timestamp = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const surveyColumns = `s.survey_id, s.org_id, s.status, s.latest_version, s.published_version,
  s.distribution_rules, s.distribution_revision, s.revision, s.created_by,
  ${timestamp('s.created_at')} AS created_at, ${timestamp('s.updated_at')} AS updated_at,
  ${timestamp('s.archived_at')} AS archived_at`;

const versionColumns = `v.survey_id AS v_survey_id, v.version AS v_version, v.status AS v_status,
  v.title AS v_title, v.default_language AS v_default_language, v.definition AS v_definition,
  v.created_by AS v_created_by, ${timestamp('v.created_at')} AS v_created_at,
  ${timestamp('v.updated_at')} AS v_updated_at, v.published_by AS v_published_by,
  ${timestamp('v.published_at')} AS v_published_at`;

interface SurveyRow {
  survey_id: string;
  org_id: string;
  status: SurveyStatus;
  latest_version: number;
  published_version: number | null;
  distribution_rules: DistributionRule[];
  distribution_revision: number;
  revision: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

interface VersionRow {
  v_survey_id: string;
  v_version: number;
  v_status: VersionStatus;
  v_title: string;
  v_default_language: string;
  v_definition: Record<string, unknown>;
  v_created_by: string;
  v_created_at: string;
  v_updated_at: string;
  v_published_by: string | null;
  v_published_at: string | null;
}

function toSurvey(row: SurveyRow): SurveyRecord {
  return {
    surveyId: row.survey_id,
    orgId: row.org_id,
    status: row.status,
    latestVersion: row.latest_version,
    publishedVersion: row.published_version,
    distributionRules: row.distribution_rules,
    distributionRevision: row.distribution_revision,
    revision: row.revision,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
  };
}

function toVersion(row: VersionRow): SurveyVersionRecord {
  return {
    surveyId: row.v_survey_id,
    version: row.v_version,
    status: row.v_status,
    title: row.v_title,
    defaultLanguage: row.v_default_language,
    definition: row.v_definition,
    createdBy: row.v_created_by,
    createdAt: row.v_created_at,
    updatedAt: row.v_updated_at,
    publishedBy: row.v_published_by,
    publishedAt: row.v_published_at,
  };
}

/**
 * The only SQL of surveys. UPDATE ... RETURNING is wrapped in a CTE because TypeORM answers a bare
 * UPDATE with `[rows, count]` but a SELECT with rows. Every method takes the org: the queries filter on it and row-level
 * security (bound by TenantTransactions.inTenant) backs the filter.
 */
@Injectable()
export class SurveysRepository {
  async insertSurvey(
    manager: EntityManager,
    orgId: string,
    survey: { surveyId: string; createdBy: string },
    content: VersionContent,
  ): Promise<void> {
    await manager.query(
      `WITH created AS (
         INSERT INTO survey (survey_id, org_id, created_by) VALUES ($1, $2, $3) RETURNING survey_id
       )
       INSERT INTO survey_version (survey_id, version, org_id, status, title, default_language, definition, created_by)
       SELECT survey_id, 1, $2, 'draft', $4, $5, $6, $3 FROM created`,
      [
        survey.surveyId,
        orgId,
        survey.createdBy,
        content.title,
        content.defaultLanguage,
        content.definition,
      ],
    );
  }

  /** The survey with its latest version, optionally locked for the rest of the transaction. */
  async findWithLatest(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    options: { lock?: boolean } = {},
  ): Promise<{ survey: SurveyRecord; latest: SurveyVersionRecord } | undefined> {
    const rows: (SurveyRow & VersionRow)[] = await manager.query(
      `SELECT ${surveyColumns}, ${versionColumns}
         FROM survey s JOIN survey_version v ON v.survey_id = s.survey_id AND v.version = s.latest_version
        WHERE s.org_id = $1 AND s.survey_id = $2 ${options.lock ? 'FOR UPDATE OF s' : ''}`,
      [orgId, surveyId],
    );
    const row = rows[0];
    return row ? { survey: toSurvey(row), latest: toVersion(row) } : undefined;
  }

  async findVersion(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    version: number,
  ): Promise<SurveyVersionRecord | undefined> {
    const rows: VersionRow[] = await manager.query(
      `SELECT ${versionColumns} FROM survey_version v
        WHERE v.org_id = $1 AND v.survey_id = $2 AND v.version = $3`,
      [orgId, surveyId, version],
    );
    return rows[0] ? toVersion(rows[0]) : undefined;
  }

  async list(
    manager: EntityManager,
    orgId: string,
    limit: number,
    after?: readonly string[],
  ): Promise<SurveyListRow[]> {
    const parameters: unknown[] = [orgId, limit];
    let keyset = '';
    if (after) {
      parameters.push(after[0], after[1]);
      keyset = 'AND (s.created_at, s.survey_id) < ($3::timestamptz, $4::uuid)';
    }
    const rows: (SurveyRow & VersionRow)[] = await manager.query(
      `SELECT ${surveyColumns}, ${versionColumns}
         FROM survey s JOIN survey_version v ON v.survey_id = s.survey_id AND v.version = s.latest_version
        WHERE s.org_id = $1 ${keyset}
        ORDER BY s.created_at DESC, s.survey_id DESC
        LIMIT $2`,
      parameters,
    );
    return rows.map((row) => ({
      survey: toSurvey(row),
      latest: toVersion(row),
      cursorKey: [row.created_at, row.survey_id],
    }));
  }

  async updateDraft(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    version: number,
    content: VersionContent,
  ): Promise<void> {
    await manager.query(
      `UPDATE survey_version SET title = $4, default_language = $5, definition = $6, updated_at = now()
        WHERE org_id = $1 AND survey_id = $2 AND version = $3 AND status = 'draft'`,
      [orgId, surveyId, version, content.title, content.defaultLanguage, content.definition],
    );
    await this.touch(manager, orgId, surveyId);
  }

  /** A new draft version after the published one; the published row is never touched. */
  async insertDraftVersion(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    version: number,
    content: VersionContent,
    createdBy: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO survey_version (survey_id, version, org_id, status, title, default_language, definition, created_by)
       VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7)`,
      [
        surveyId,
        version,
        orgId,
        content.title,
        content.defaultLanguage,
        content.definition,
        createdBy,
      ],
    );
    await manager.query(
      `UPDATE survey SET latest_version = $3, revision = revision + 1, updated_at = now()
        WHERE org_id = $1 AND survey_id = $2`,
      [orgId, surveyId, version],
    );
  }

  /** Freezes the draft; returns when it was published. */
  async publish(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    version: number,
    publishedBy: string,
  ): Promise<string> {
    const rows: { published_at: string }[] = await manager.query(
      `WITH frozen AS (
         UPDATE survey_version SET status = 'published', published_by = $4, published_at = now(), updated_at = now()
          WHERE org_id = $1 AND survey_id = $2 AND version = $3 AND status = 'draft'
          RETURNING published_at
       )
       SELECT ${timestamp('published_at')} AS published_at FROM frozen`,
      [orgId, surveyId, version, publishedBy],
    );
    await manager.query(
      `UPDATE survey SET published_version = $3, revision = revision + 1, updated_at = now()
        WHERE org_id = $1 AND survey_id = $2`,
      [orgId, surveyId, version],
    );
    const publishedAt = rows[0]?.published_at;
    if (!publishedAt) throw new Error(`survey ${surveyId} version ${version} was not a draft`);
    return publishedAt;
  }

  async archive(manager: EntityManager, orgId: string, surveyId: string): Promise<string> {
    const rows: { archived_at: string }[] = await manager.query(
      `WITH archived AS (
         UPDATE survey SET status = 'archived', archived_at = now(), revision = revision + 1, updated_at = now()
          WHERE org_id = $1 AND survey_id = $2 RETURNING archived_at
       )
       SELECT ${timestamp('archived_at')} AS archived_at FROM archived`,
      [orgId, surveyId],
    );
    return rows[0]?.archived_at ?? new Date().toISOString();
  }

  async replaceDistribution(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    rules: DistributionRule[],
  ): Promise<number> {
    const rows: { distribution_revision: number }[] = await manager.query(
      `WITH replaced AS (
         UPDATE survey SET distribution_rules = $3, distribution_revision = distribution_revision + 1,
                revision = revision + 1, updated_at = now()
          WHERE org_id = $1 AND survey_id = $2 RETURNING distribution_revision
       )
       SELECT distribution_revision FROM replaced`,
      [orgId, surveyId, JSON.stringify(rules)],
    );
    return rows[0]?.distribution_revision ?? 0;
  }

  private async touch(manager: EntityManager, orgId: string, surveyId: string): Promise<void> {
    await manager.query(
      `UPDATE survey SET revision = revision + 1, updated_at = now() WHERE org_id = $1 AND survey_id = $2`,
      [orgId, surveyId],
    );
  }
}
