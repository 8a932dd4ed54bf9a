import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CursorPage } from '@careloop/contracts';
import { DomainError } from '@careloop/runtime';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@careloop/audit';
import { AuthSettings } from '../common/auth-settings';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import type {
  ClientTokenResponse,
  CreatedOauthClientResponse,
  OauthClientResponse,
} from './dto/oauth-client.dtos';
import { OauthClientsRepository } from './oauth-clients.repository';
import { OauthError } from './oauth.errors';
import type { ClientCredentialsRequest } from './token-request';

export interface ClientAdministrator {
  orgId: string;
  userId?: string;
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function encodeCursor(createdAt: string, clientId: string): string {
  return Buffer.from(JSON.stringify([createdAt, clientId])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; clientId: string } {
  try {
    const [createdAt, clientId] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString(),
    ) as unknown[];
    if (
      typeof createdAt === 'string' &&
      typeof clientId === 'string' &&
      !Number.isNaN(Date.parse(createdAt))
    )
      return { createdAt, clientId };
  } catch {
    // reported below
  }
  throw new DomainError(
    'rule-violation',
    'oauth-client/invalid-cursor',
    'The cursor is not one this list gave',
    [{ field: 'cursor', message: 'cursor is invalid' }],
  );
}

/** Integration clients of an organization and the client-credentials grant (RFC 6749 §4.4). */
@Injectable()
export class OauthClientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: OauthClientsRepository,
    private readonly signingKeys: SigningKeysService,
    private readonly settings: AuthSettings,
    private readonly audit: AuditTrail,
  ) {}

  create(
    caller: ClientAdministrator,
    input: { name: string; scopes: string[] },
  ): Promise<CreatedOauthClientResponse> {
    const clientId = `clt_${randomBytes(12).toString('hex')}`;
    const clientSecret = randomBytes(32).toString('base64url');
    return this.dataSource.transaction(async (manager) => {
      await this.clients.insert(manager, caller.orgId, {
        clientId,
        name: input.name,
        secretHash: hashSecret(clientSecret),
        scopes: input.scopes,
        createdBy: caller.userId ?? null,
      });
      await this.audit.record(manager, {
        orgId: caller.orgId,
        action: 'oauth_client.created',
        target: { type: 'oauth_client', id: clientId },
        metadata: { name: input.name, scopes: input.scopes },
        ...(caller.userId ? { actor: { id: caller.userId, type: 'user' as const } } : {}),
      });
      return { clientId, clientSecret, name: input.name, scopes: input.scopes };
    });
  }

  list(
    caller: ClientAdministrator,
    page: { limit?: number; cursor?: string },
  ): Promise<CursorPage<OauthClientResponse>> {
    const limit = page.limit ?? 50;
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.clients.listActive(manager, caller.orgId, {
        limit: limit + 1,
        ...(after ? { after } : {}),
      });
      const items = rows.slice(0, limit).map((row) => ({
        clientId: row.clientId,
        name: row.name,
        scopes: row.scopes,
        createdAt: row.createdAt.toISOString(),
      }));
      const last = items[items.length - 1];
      return {
        items,
        nextCursor:
          rows.length > limit && last ? encodeCursor(last.createdAt, last.clientId) : null,
      };
    });
  }

  revoke(caller: ClientAdministrator, clientId: string): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.clients.revoke(manager, caller.orgId, clientId))) {
        throw new DomainError(
          'not-found',
          'oauth-client/not-found',
          'No active client with this id in the organization',
        );
      }
      await this.audit.record(manager, {
        orgId: caller.orgId,
        action: 'oauth_client.revoked',
        target: { type: 'oauth_client', id: clientId },
        ...(caller.userId ? { actor: { id: caller.userId, type: 'user' as const } } : {}),
      });
    });
  }

  /** Unknown, revoked and wrong secret are one answer: invalid_client. */
  async issueToken(request: ClientCredentialsRequest): Promise<ClientTokenResponse> {
    const client = await this.dataSource.transaction((manager) =>
      this.clients.findForAuthentication(manager, request.clientId),
    );
    const presented = hashSecret(request.clientSecret);
    const expected = client?.secretHash ?? Buffer.alloc(presented.length);
    const secretMatches =
      presented.length === expected.length && timingSafeEqual(presented, expected);
    if (!client || !secretMatches || client.revokedAt !== null) {
      throw new OauthError('invalid_client', 'client authentication failed', request.viaBasic);
    }
    const scopes = request.scopes ?? client.scopes;
    const unknown = scopes.filter((scope) => !client.scopes.includes(scope));
    if (unknown.length > 0) {
      throw new OauthError(
        'invalid_scope',
        `scope not granted to this client: ${unknown.join(' ')}`,
      );
    }
    const scope = scopes.join(' ');
    const accessToken = await this.signingKeys.sign(
      { org: client.orgId, roles: [], client_id: client.clientId, scope },
      client.clientId,
      this.settings.accessTokenTtlSeconds,
    );
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.settings.accessTokenTtlSeconds,
      scope,
    };
  }
}
