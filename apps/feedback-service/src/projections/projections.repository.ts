import type {
  DistributionRuleV1,
  OrgSettingsV1,
  SurveyArchivedV1,
  SurveyPublishedV1,
} from '@careloop/contracts';
import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LiveSurvey } from '../sessions/session-rules';

/** A frozen survey version as the respondent path needs it. */
export interface SurveyVersionRecord {
  orgId: string;
  surveyId: string;
  version: number;
  title: string;
  defaultLanguage: string;
  languages: string[];
  definition: Record<string, unknown>;
}

interface SurveyVersionRow {
  survey_id: string;
  version: number;
  title: string;
  default_language: string;
  languages: string[];
  definition: Record<string, unknown>;
}

/** Local copies of survey-service's versions and user-org-service's settings (event-carried state). */
@Injectable()
export class ProjectionsRepository {
  /** Versions are immutable: a redelivered or replayed publication changes nothing. */
  async saveVersion(manager: EntityManager, orgId: string, data: SurveyPublishedV1): Promise<void> {
    await bindTenant(manager, orgId);
    await manager.query(
      `WITH version AS (
         INSERT INTO survey_version
           (org_id, survey_id, version, title, default_language, languages, definition, distribution_rules, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (org_id, survey_id, version) DO NOTHING
       )
       INSERT INTO survey_distribution (org_id, survey_id, latest_version) VALUES ($1, $2, $3)
       ON CONFLICT (org_id, survey_id) DO UPDATE
         SET latest_version = GREATEST(survey_distribution.latest_version, EXCLUDED.latest_version)`,
      [
        orgId,
        data.surveyId,
        data.version,
        data.title,
        data.defaultLanguage,
        data.languages,
        JSON.stringify(data.definition),
        JSON.stringify(data.distributionRules),
        data.publishedAt,
      ],
    );
  }

  /**
   * Archiving covers every version up to the last published one (all, when it names none); a
   * version published later makes the survey live again, whichever event arrives first.
   */
  async archive(manager: EntityManager, orgId: string, data: SurveyArchivedV1): Promise<void> {
    await bindTenant(manager, orgId);
    await manager.query(
      `INSERT INTO survey_distribution (org_id, survey_id, archived_through_version) VALUES ($1, $2, $3)
       ON CONFLICT (org_id, survey_id) DO UPDATE
         SET archived_through_version = GREATEST(survey_distribution.archived_through_version, EXCLUDED.archived_through_version)`,
      [orgId, data.surveyId, data.lastPublishedVersion ?? 2_147_483_647],
    );
  }

  /** The latest version and rules of every survey that is not archived. */
  async liveSurveys(manager: EntityManager, orgId: string): Promise<LiveSurvey[]> {
    await bindTenant(manager, orgId);
    const rows: {
      survey_id: string;
      version: number;
      languages: string[];
      default_language: string;
      distribution_rules: DistributionRuleV1[];
    }[] = await manager.query(
      `SELECT v.survey_id, v.version, v.languages, v.default_language, v.distribution_rules
         FROM survey_distribution d
         JOIN survey_version v
           ON v.org_id = d.org_id AND v.survey_id = d.survey_id AND v.version = d.latest_version
        WHERE d.org_id = $1 AND d.latest_version > d.archived_through_version`,
      [orgId],
    );
    return rows.map((row) => ({
      surveyId: row.survey_id,
      version: row.version,
      languages: row.languages,
      defaultLanguage: row.default_language,
      rules: row.distribution_rules,
    }));
  }

  async findVersion(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    version: number,
  ): Promise<SurveyVersionRecord | undefined> {
    await bindTenant(manager, orgId);
    const [row]: SurveyVersionRow[] = await manager.query(
      `SELECT survey_id, version, title, default_language, languages, definition
         FROM survey_version WHERE org_id = $1 AND survey_id = $2 AND version = $3`,
      [orgId, surveyId, version],
    );
    return row
      ? {
          orgId,
          surveyId: row.survey_id,
          version: row.version,
          title: row.title,
          defaultLanguage: row.default_language,
          languages: row.languages,
          definition: row.definition,
        }
      : undefined;
  }

  /** Keeps the highest revision: settings events carry the whole state, so older ones are stale. */
  async saveSettings(
    manager: EntityManager,
    orgId: string,
    revision: number,
    settings: OrgSettingsV1,
  ): Promise<void> {
    await bindTenant(manager, orgId);
    await manager.query(
      `INSERT INTO org_settings (org_id, revision, settings) VALUES ($1, $2, $3)
       ON CONFLICT (org_id) DO UPDATE SET revision = EXCLUDED.revision, settings = EXCLUDED.settings, updated_at = now()
         WHERE org_settings.revision < EXCLUDED.revision`,
      [orgId, revision, JSON.stringify(settings)],
    );
  }

  async findSettings(manager: EntityManager, orgId: string): Promise<OrgSettingsV1 | undefined> {
    await bindTenant(manager, orgId);
    const [row]: { settings: OrgSettingsV1 }[] = await manager.query(
      `SELECT settings FROM org_settings WHERE org_id = $1`,
      [orgId],
    );
    return row?.settings;
  }
}
