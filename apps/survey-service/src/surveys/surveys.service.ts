import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@careloop/audit';
import type { CursorPage } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { TenantTransactions } from '@careloop/persistence';
import type { Principal } from '@careloop/security';
import { languagesOf, outlineQuestions, validateDefinition } from '@careloop/surveys';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SurveyReadCache } from '../cache/survey-read.cache';
import { decodeCursor, encodeCursor } from '../common/cursor';
import type { ReplaceDistributionDto } from './dto/distribution.dto';
import type { ListSurveysQuery } from './dto/list-surveys.query';
import { DEFAULT_PAGE_SIZE } from './dto/list-surveys.query';
import type { SurveyContentDto } from './dto/survey-content.dto';
import type {
  DistributionResponse,
  PublishResponse,
  SurveyResponse,
  SurveySummaryResponse,
  SurveyVersionResponse,
} from './dto/survey.response';
import { surveyPublishedOf } from './survey-events';
import { SurveyErrors } from './surveys.errors';
import type {
  DistributionRule,
  SurveyRecord,
  SurveyVersionRecord,
  VersionContent,
} from './surveys.repository';
import { SurveysRepository } from './surveys.repository';

const MAX_LANGUAGES = 50;

function actorIdOf(principal: Principal): string {
  const id = principal.userId ?? principal.clientId;
  if (!id) throw new Error('an authenticated principal has a user or client id');
  return id;
}

export function toVersionResponse(version: SurveyVersionRecord): SurveyVersionResponse {
  return {
    surveyId: version.surveyId,
    version: version.version,
    status: version.status,
    title: version.title,
    defaultLanguage: version.defaultLanguage,
    languages: languagesOf(version),
    definition: version.definition,
    // A draft saved before a rule tightened may no longer compile; its outline is then left empty.
    questions: safeOutline(version),
    createdAt: version.createdAt,
    updatedAt: version.updatedAt,
    publishedAt: version.publishedAt,
    publishedBy: version.publishedBy,
  };
}

function safeOutline(version: SurveyVersionRecord): SurveyVersionResponse['questions'] {
  try {
    return outlineQuestions(version);
  } catch {
    return [];
  }
}

function toSummary(survey: SurveyRecord, latest: SurveyVersionRecord): SurveySummaryResponse {
  return {
    surveyId: survey.surveyId,
    title: latest.title,
    status: survey.status,
    latestVersion: survey.latestVersion,
    latestVersionStatus: latest.status,
    publishedVersion: survey.publishedVersion,
    createdAt: survey.createdAt,
    updatedAt: survey.updatedAt,
  };
}

function toSurveyResponse(survey: SurveyRecord, latest: SurveyVersionRecord): SurveyResponse {
  return {
    ...toSummary(survey, latest),
    defaultLanguage: latest.defaultLanguage,
    latest: toVersionResponse(latest),
    distribution: { revision: survey.distributionRevision, rules: survey.distributionRules },
    archivedAt: survey.archivedAt,
  };
}

const surveyKey = (orgId: string, surveyId: string): string =>
  `survey-service:survey:${orgId}:${surveyId}`;
const versionKey = (orgId: string, surveyId: string, version: number): string =>
  `survey-service:version:${orgId}:${surveyId}:${version}`;

/**
 * Survey definitions and their versions: drafts are edited in place, publishing freezes the draft
 * (state change, `survey.published` and the audit entry in one transaction), editing after that
 * opens the next draft version. Reads go through the two-level cache, invalidated on every write.
 */
@Injectable()
export class SurveysService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly surveys: SurveysRepository,
    private readonly outbox: OutboxWriter,
    private readonly auditTrail: AuditTrail,
    private readonly cache: SurveyReadCache,
  ) {}

  async create(principal: Principal, content: SurveyContentDto): Promise<SurveyResponse> {
    const checked = this.checkedContent(content);
    const surveyId = randomUUID();
    const { orgId } = principal;
    const view = await this.transactions.inTenant(orgId, async (manager) => {
      await this.surveys.insertSurvey(
        manager,
        orgId,
        { surveyId, createdBy: actorIdOf(principal) },
        checked,
      );
      await this.auditTrail.record(manager, {
        orgId,
        action: 'survey.created',
        target: { type: 'survey', id: surveyId },
        metadata: { title: checked.title },
      });
      return this.viewInTransaction(manager, orgId, surveyId);
    });
    return view.response;
  }

  list(orgId: string, query: ListSurveysQuery): Promise<CursorPage<SurveySummaryResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2);
    return this.transactions.inTenant(orgId, async (manager) => {
      const rows = await this.surveys.list(manager, orgId, limit + 1, after);
      const kept = rows.slice(0, limit);
      const last = kept[kept.length - 1];
      return {
        items: kept.map((row) => toSummary(row.survey, row.latest)),
        nextCursor: rows.length > limit && last ? encodeCursor(last.cursorKey) : null,
      };
    });
  }

  async get(orgId: string, surveyId: string): Promise<SurveyResponse> {
    const view = await this.cache.getOrLoad(surveyKey(orgId, surveyId), () =>
      this.transactions.inTenant(orgId, async (manager) => {
        const found = await this.surveys.findWithLatest(manager, orgId, surveyId);
        return found
          ? { value: toSurveyResponse(found.survey, found.latest), revision: found.survey.revision }
          : undefined;
      }),
    );
    if (!view) throw SurveyErrors.notFound(surveyId);
    return view;
  }

  async getVersion(
    orgId: string,
    surveyId: string,
    version: number,
  ): Promise<SurveyVersionResponse> {
    const load = (): Promise<SurveyVersionRecord | undefined> =>
      this.transactions.inTenant(orgId, (manager) =>
        this.surveys.findVersion(manager, orgId, surveyId, version),
      );
    // A published version never changes, so it is cached for good; a draft is read fresh.
    let draft: SurveyVersionRecord | undefined;
    const published = await this.cache.getOrLoad(versionKey(orgId, surveyId, version), async () => {
      const record = await load();
      if (record?.status === 'published') return { value: toVersionResponse(record), revision: 1 };
      draft = record;
      return undefined;
    });
    if (published) return published;
    if (!draft) throw SurveyErrors.versionNotFound(surveyId, version);
    return toVersionResponse(draft);
  }

  async updateDraft(
    principal: Principal,
    surveyId: string,
    content: SurveyContentDto,
  ): Promise<SurveyResponse> {
    const checked = this.checkedContent(content);
    const { orgId } = principal;
    const view = await this.transactions.inTenant(orgId, async (manager) => {
      const { survey, latest } = await this.lockActive(manager, orgId, surveyId);
      let draftVersion = latest.version;
      if (latest.status === 'published') {
        draftVersion = latest.version + 1;
        await this.surveys.insertDraftVersion(
          manager,
          orgId,
          surveyId,
          draftVersion,
          checked,
          actorIdOf(principal),
        );
      } else {
        await this.surveys.updateDraft(manager, orgId, surveyId, latest.version, checked);
      }
      await this.auditTrail.record(manager, {
        orgId,
        action: 'survey.draft.updated',
        target: { type: 'survey', id: surveyId },
        metadata: { version: draftVersion, newVersion: draftVersion !== survey.latestVersion },
      });
      return this.viewInTransaction(manager, orgId, surveyId);
    });
    await this.cache.invalidate(surveyKey(orgId, surveyId), view.revision);
    return view.response;
  }

  async publish(principal: Principal, surveyId: string): Promise<PublishResponse> {
    const { orgId } = principal;
    const result = await this.transactions.inTenant(orgId, async (manager) => {
      const { latest } = await this.lockActive(manager, orgId, surveyId);
      if (latest.status === 'published')
        throw SurveyErrors.nothingToPublish(surveyId, latest.version);
      this.checkPublishable(latest);
      const publishedAt = await this.surveys.publish(
        manager,
        orgId,
        surveyId,
        latest.version,
        actorIdOf(principal),
      );
      const found = await this.surveys.findWithLatest(manager, orgId, surveyId);
      if (!found) throw SurveyErrors.notFound(surveyId);
      await this.outbox.append(manager, EventTypes.SurveyPublished, {
        subject: surveyId,
        orgId,
        data: surveyPublishedOf(found.survey, found.latest),
      });
      await this.auditTrail.record(manager, {
        orgId,
        action: 'survey.published',
        target: { type: 'survey', id: surveyId },
        metadata: { version: latest.version },
      });
      return {
        response: { surveyId, version: latest.version, publishedAt },
        revision: found.survey.revision,
      };
    });
    await this.cache.invalidate(surveyKey(orgId, surveyId), result.revision);
    return result.response;
  }

  async archive(principal: Principal, surveyId: string): Promise<SurveyResponse> {
    const { orgId } = principal;
    const view = await this.transactions.inTenant(orgId, async (manager) => {
      const { survey } = await this.lockActive(manager, orgId, surveyId);
      const archivedAt = await this.surveys.archive(manager, orgId, surveyId);
      const archivedBy = actorIdOf(principal);
      await this.outbox.append(manager, EventTypes.SurveyArchived, {
        subject: surveyId,
        orgId,
        data: {
          surveyId,
          orgId,
          ...(survey.publishedVersion !== null
            ? { lastPublishedVersion: survey.publishedVersion }
            : {}),
          archivedBy,
          archivedAt,
        },
      });
      await this.auditTrail.record(manager, {
        orgId,
        action: 'survey.archived',
        target: { type: 'survey', id: surveyId },
      });
      return this.viewInTransaction(manager, orgId, surveyId);
    });
    await this.cache.invalidate(surveyKey(orgId, surveyId), view.revision);
    return view.response;
  }

  async replaceDistribution(
    principal: Principal,
    surveyId: string,
    body: ReplaceDistributionDto,
  ): Promise<DistributionResponse> {
    const { orgId } = principal;
    const rules: DistributionRule[] = body.rules.map((rule, index) => ({
      ruleId: randomUUID(),
      priority: index,
      ...(rule.appointmentTypes ? { appointmentTypes: rule.appointmentTypes } : {}),
      ...(rule.departments ? { departments: rule.departments } : {}),
      ...(rule.sites ? { sites: rule.sites } : {}),
      ...(rule.providers ? { providers: rule.providers } : {}),
      samplingRate: rule.samplingRate,
      channels: rule.channels ?? ['email', 'sms'],
    }));
    const view = await this.transactions.inTenant(orgId, async (manager) => {
      const { survey } = await this.lockActive(manager, orgId, surveyId);
      await this.surveys.replaceDistribution(manager, orgId, surveyId, rules);
      if (survey.publishedVersion !== null) {
        // Consumers route by the rules of the latest survey.published; send the live version again.
        await this.republish(manager, orgId, surveyId, survey.publishedVersion);
      }
      await this.auditTrail.record(manager, {
        orgId,
        action: 'distribution.updated',
        target: { type: 'survey', id: surveyId },
        metadata: { rules: rules.length },
      });
      return this.viewInTransaction(manager, orgId, surveyId);
    });
    await this.cache.invalidate(surveyKey(orgId, surveyId), view.revision);
    return view.response.distribution;
  }

  private async republish(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    version: number,
  ): Promise<void> {
    const found = await this.surveys.findWithLatest(manager, orgId, surveyId);
    const published = await this.surveys.findVersion(manager, orgId, surveyId, version);
    if (!found || !published) throw SurveyErrors.notFound(surveyId);
    await this.outbox.append(manager, EventTypes.SurveyPublished, {
      subject: surveyId,
      orgId,
      data: surveyPublishedOf(found.survey, published),
    });
  }

  private async lockActive(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
  ): Promise<{ survey: SurveyRecord; latest: SurveyVersionRecord }> {
    const found = await this.surveys.findWithLatest(manager, orgId, surveyId, { lock: true });
    if (!found) throw SurveyErrors.notFound(surveyId);
    if (found.survey.status === 'archived') throw SurveyErrors.archived(surveyId);
    return found;
  }

  /** The survey as a response, read in the write's transaction, and the revision it reached. */
  private async viewInTransaction(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
  ): Promise<{ response: SurveyResponse; revision: number }> {
    const found = await this.surveys.findWithLatest(manager, orgId, surveyId);
    if (!found) throw SurveyErrors.notFound(surveyId);
    return {
      response: toSurveyResponse(found.survey, found.latest),
      revision: found.survey.revision,
    };
  }

  private checkedContent(content: SurveyContentDto): VersionContent {
    const issues = validateDefinition(content.definition, content.defaultLanguage);
    if (issues.length > 0) throw SurveyErrors.invalidDefinition(issues);
    return {
      title: content.title,
      defaultLanguage: content.defaultLanguage,
      definition: content.definition,
    };
  }

  /** Drafts may be incomplete; a published version must be something a patient can answer. */
  private checkPublishable(draft: SurveyVersionRecord): void {
    const issues = validateDefinition(draft.definition, draft.defaultLanguage);
    if (issues.length > 0) throw SurveyErrors.invalidDefinition(issues);
    if (outlineQuestions(draft).length === 0) {
      throw SurveyErrors.invalidDefinition([
        {
          field: 'definition.pages',
          message: 'A survey needs at least one question to be published',
        },
      ]);
    }
    if (languagesOf(draft).length > MAX_LANGUAGES) {
      throw SurveyErrors.invalidDefinition([
        { field: 'definition', message: `At most ${MAX_LANGUAGES} languages are supported` },
      ]);
    }
  }
}
