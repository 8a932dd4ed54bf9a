import {
  CacheInvalidationChannel,
  LocalCache,
  REDIS,
  TenantTransactions,
} from '@careloop/persistence';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { FeedbackSettings } from '../sessions/feedback-settings';
import type { AlertRule } from './alert-rule';
import { AlertsRepository } from './alerts.repository';

/**
 * An entry lives this long at most: rules change rarely, and this bounds how long an instance that
 * missed an invalidation (Redis trouble) can screen responses with an old rule set.
 */
const RULES_TTL_MS = 30_000;

/**
 * Each organization's enabled alert rules, in process, for screening submitted responses without a
 * database round trip. Every rule write invalidates the org on every instance (Redis pub/sub);
 * while that channel is down nothing is kept and every read goes to Postgres.
 */
@Injectable()
export class AlertRulesCache implements OnModuleInit, OnModuleDestroy {
  private readonly local = new LocalCache<AlertRule[]>({ ttlMs: RULES_TTL_MS, maxEntries: 10_000 });
  private readonly channel: CacheInvalidationChannel;

  constructor(
    @Inject(REDIS) redis: Redis,
    settings: FeedbackSettings,
    private readonly rules: AlertsRepository,
    private readonly transactions: TenantTransactions,
  ) {
    this.channel = new CacheInvalidationChannel(
      redis,
      `${settings.redisKeyPrefix}alert-rules:invalidated`,
    );
  }

  onModuleInit(): Promise<void> {
    return this.channel.listen(this.local);
  }

  onModuleDestroy(): Promise<void> {
    return this.channel.close();
  }

  /** The org's enabled rules for responses to this survey (rules of the survey or of every survey). */
  async enabledFor(orgId: string, surveyId: string): Promise<AlertRule[]> {
    const all = this.channel.isListening
      ? await this.local.getOrLoad(orgId, () => this.load(orgId))
      : await this.load(orgId);
    return all.filter((rule) => rule.surveyId === undefined || rule.surveyId === surveyId);
  }

  /** After a rule write committed. */
  async invalidate(orgId: string): Promise<void> {
    this.local.forget(orgId);
    await this.channel.publish(orgId);
  }

  private load(orgId: string): Promise<AlertRule[]> {
    return this.transactions.inTenant(orgId, (manager) => this.rules.enabledOf(manager, orgId));
  }
}
