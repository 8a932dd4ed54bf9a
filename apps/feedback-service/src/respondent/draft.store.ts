import { REDIS } from '@careloop/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { FeedbackSettings } from '../sessions/feedback-settings';
import type { StoredDraft } from './respondent.repository';

/** What `save` found: saved, the session is closed (answered), unknown to Redis, or the link replaced. */
export type DraftSaveOutcome = 'saved' | 'closed' | 'unknown-session' | 'stale-link';

export interface DirtyDraft {
  orgId: string;
  sessionId: string;
  /** The dirty-set score read: the draft is marked clean only if no later save moved it. */
  score: string;
  draft?: StoredDraft;
}

// KEYS: session gate, draft, dirty set. ARGV: nonce digest, draft JSON, TTL, score, member.
const SAVE_SCRIPT = `
local nonce = redis.call('HGET', KEYS[1], 'nonce')
if not nonce then return -1 end
if nonce ~= ARGV[1] then return -2 end
if redis.call('HEXISTS', KEYS[1], 'closed') == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
return 1`;

// KEYS: dirty set. ARGV: member, score read. Removes the member only if not saved again since.
const MARK_CLEAN_SCRIPT = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 1`;

// KEYS: session gate. ARGV: nonce digest, '1' when answered, expiry (ms since epoch).
// One command instead of a MULTI of four: the gate is (re)written on every first view of a link.
const OPEN_GATE_SCRIPT = `
redis.call('DEL', KEYS[1])
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'nonce', ARGV[1], 'closed', '1')
else
  redis.call('HSET', KEYS[1], 'nonce', ARGV[1])
end
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1`;

// KEYS: session gate, draft, dirty set. ARGV: dirty-set member. After a submission: the gate says
// answered (only a gate that exists: a missing one is rebuilt from Postgres, and a bare hash
// written here would never expire), the draft is gone, and there is nothing left to sync.
const CLOSE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'closed', '1') end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1`;

interface DraftCommands {
  openDraftGate(gate: string, nonce: string, closed: string, expiresAt: number): Promise<number>;
  saveDraft(
    gate: string,
    draft: string,
    dirty: string,
    nonce: string,
    value: string,
    ttl: number,
    score: number,
    member: string,
  ): Promise<number>;
  markDraftClean(dirty: string, member: string, score: string): Promise<number>;
  closeDraft(gate: string, draft: string, dirty: string, member: string): Promise<number>;
}

/**
 * Drafts on the hot path live in Redis (one round trip per save), with a per-session gate that
 * holds the link's current nonce and whether the session is answered, so a save needs no
 * Postgres. Every save also marks the session dirty (a sorted set scored by save time); the draft
 * sync copies dirty drafts to Postgres, so losing Redis loses at most one sync interval of saves.
 *
 * Keys (under FEEDBACK_REDIS_KEY_PREFIX): `session:<id>` (hash: nonce, closed; expires with the
 * link), `draft:<id>` (JSON {answers, savedAt}; DRAFT_TTL_SECONDS), `drafts:dirty` (zset of
 * `<orgId>/<sessionId>`), `drafts:sync-lock`.
 */
@Injectable()
export class DraftStore {
  private readonly redis: Redis & DraftCommands;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly settings: FeedbackSettings,
  ) {
    this.prefix = settings.redisKeyPrefix;
    if (!('saveDraft' in redis)) {
      redis.defineCommand('saveDraft', { numberOfKeys: 3, lua: SAVE_SCRIPT });
      redis.defineCommand('markDraftClean', { numberOfKeys: 1, lua: MARK_CLEAN_SCRIPT });
      redis.defineCommand('openDraftGate', { numberOfKeys: 1, lua: OPEN_GATE_SCRIPT });
      redis.defineCommand('closeDraft', { numberOfKeys: 3, lua: CLOSE_SCRIPT });
    }
    this.redis = redis as Redis & DraftCommands;
  }

  private gateKey(sessionId: string): string {
    return `${this.prefix}session:${sessionId}`;
  }

  private draftKey(sessionId: string): string {
    return `${this.prefix}draft:${sessionId}`;
  }

  private get dirtyKey(): string {
    return `${this.prefix}drafts:dirty`;
  }

  async save(
    orgId: string,
    sessionId: string,
    nonceDigest: Buffer,
    draft: StoredDraft,
  ): Promise<DraftSaveOutcome> {
    const result = await this.redis.saveDraft(
      this.gateKey(sessionId),
      this.draftKey(sessionId),
      this.dirtyKey,
      nonceDigest.toString('hex'),
      JSON.stringify({ answers: draft.answers, savedAt: draft.savedAt.toISOString() }),
      this.settings.draftTtlSeconds,
      draft.savedAt.getTime(),
      `${orgId}/${sessionId}`,
    );
    switch (result) {
      case 1:
        return 'saved';
      case 0:
        return 'closed';
      case -2:
        return 'stale-link';
      default:
        return 'unknown-session';
    }
  }

  /** Records what Postgres said about a session, so later saves need not ask it. */
  async openGate(
    sessionId: string,
    nonceDigest: Buffer,
    expiresAt: Date,
    closed: boolean,
  ): Promise<void> {
    await this.redis.openDraftGate(
      this.gateKey(sessionId),
      nonceDigest.toString('hex'),
      closed ? '1' : '0',
      expiresAt.getTime(),
    );
  }

  /** After a submission: no more saves, and the draft is gone. */
  async close(orgId: string, sessionId: string): Promise<void> {
    await this.redis.closeDraft(
      this.gateKey(sessionId),
      this.draftKey(sessionId),
      this.dirtyKey,
      `${orgId}/${sessionId}`,
    );
  }

  async load(sessionId: string): Promise<StoredDraft | undefined> {
    const value = await this.redis.get(this.draftKey(sessionId));
    return value ? parseDraft(value) : undefined;
  }

  /** Up to `limit` dirty drafts, oldest save first, with their current values. */
  async dirty(limit: number): Promise<DirtyDraft[]> {
    const flat = await this.redis.zrange(this.dirtyKey, 0, limit - 1, 'WITHSCORES');
    const entries: { member: string; score: string }[] = [];
    for (let index = 0; index + 1 < flat.length; index += 2) {
      entries.push({ member: flat[index] as string, score: flat[index + 1] as string });
    }
    if (entries.length === 0) return [];
    const values = await this.redis.mget(
      entries.map(({ member }) => this.draftKey(member.split('/')[1] ?? '')),
    );
    return entries.map(({ member, score }, index) => {
      const [orgId = '', sessionId = ''] = member.split('/');
      const value = values[index];
      const draft = value ? parseDraft(value) : undefined;
      return { orgId, sessionId, score, ...(draft ? { draft } : {}) };
    });
  }

  async markClean(drafts: readonly DirtyDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const draft of drafts) {
      // Queued on the pipeline; its result arrives with exec() below.
      void (pipeline as unknown as DraftCommands).markDraftClean(
        this.dirtyKey,
        `${draft.orgId}/${draft.sessionId}`,
        draft.score,
      );
    }
    await pipeline.exec();
  }

  /** One syncer at a time across replicas; the lock expires on its own if a holder dies. */
  async acquireSyncLock(holder: string, ttlMs: number): Promise<boolean> {
    const result = await this.redis.set(
      `${this.prefix}drafts:sync-lock`,
      holder,
      'PX',
      ttlMs,
      'NX',
    );
    return result === 'OK';
  }

  async releaseSyncLock(holder: string): Promise<void> {
    const key = `${this.prefix}drafts:sync-lock`;
    if ((await this.redis.get(key)) === holder) await this.redis.del(key);
  }
}

function parseDraft(value: string): StoredDraft | undefined {
  try {
    const parsed = JSON.parse(value) as { answers?: unknown; savedAt?: unknown };
    if (
      typeof parsed.savedAt !== 'string' ||
      typeof parsed.answers !== 'object' ||
      !parsed.answers
    ) {
      return undefined;
    }
    return {
      answers: parsed.answers as Record<string, unknown>,
      savedAt: new Date(parsed.savedAt),
    };
  } catch {
    return undefined;
  }
}
