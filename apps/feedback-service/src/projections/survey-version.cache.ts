import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SurveyVersionRecord } from './projections.repository';
import { ProjectionsRepository } from './projections.repository';

const MAX_ENTRIES = 1_000;

/**
 * Published versions never change, so each process keeps the ones it serves: the respondent hot
 * path reads a version from memory, not Postgres. Bounded, least recently used out first. Keeping
 * the same object also keeps libs/surveys' compiled form of its definition (a WeakMap on it).
 */
@Injectable()
export class SurveyVersionCache {
  private readonly entries = new Map<string, SurveyVersionRecord>();

  constructor(private readonly projections: ProjectionsRepository) {}

  /** Pass `manager` bound to `orgId`'s tenant; it is used only on a miss. */
  async get(
    manager: EntityManager,
    orgId: string,
    surveyId: string,
    version: number,
  ): Promise<SurveyVersionRecord | undefined> {
    const key = `${orgId}/${surveyId}/${version}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const loaded = await this.projections.findVersion(manager, orgId, surveyId, version);
    if (loaded) {
      this.entries.set(key, loaded);
      if (this.entries.size > MAX_ENTRIES) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    }
    return loaded;
  }

  peek(orgId: string, surveyId: string, version: number): SurveyVersionRecord | undefined {
    return this.entries.get(`${orgId}/${surveyId}/${version}`);
  }
}
