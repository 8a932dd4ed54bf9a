import { request as httpRequest } from 'node:http';
import { uniqueSuffix, waitFor } from '@careloop/testing';

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  userId: string;
  orgId: string | null;
}

/**
 * A thin HTTP client for CareLoop's public surface, as a browser or an integration would call it.
 * `sourceAddress` (any 127.x.y.z on Linux) makes it a different client to per-address limits.
 */
export class CareLoopClient {
  constructor(
    readonly baseUrl: string,
    private readonly sourceAddress?: string,
  ) {}

  /** The same caller from another address. */
  from(sourceAddress: string): CareLoopClient {
    return new CareLoopClient(this.baseUrl, sourceAddress);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.send(method, path, headers, body);
    const text = response.text;
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  }

  private send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<{ status: number; headers: HttpResult['headers']; text: string }> {
    const url = new URL(`${this.baseUrl}${path}`);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          headers:
            body !== undefined
              ? { ...headers, 'content-length': Buffer.byteLength(body) }
              : headers,
          timeout: 15_000,
          ...(this.sourceAddress ? { localAddress: this.sourceAddress } : {}),
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              headers: incoming.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path} timed out`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  async signup(input: {
    email?: string;
    password?: string;
    name?: string;
    organizationName?: string;
  }): Promise<TokenPair & { email: string; password: string }> {
    const email = input.email ?? `user-${uniqueSuffix()}@clinic.example.org`;
    const password = input.password ?? `Correct horse ${uniqueSuffix()}`;
    const response = await this.request<TokenPair>('POST', '/api/auth/signup', {
      body: {
        email,
        password,
        name: input.name ?? 'Dana Scully',
        ...(input.organizationName ? { organizationName: input.organizationName } : {}),
      },
    });
    if (response.status !== 201) {
      throw new Error(`signup answered ${response.status}: ${response.text}`);
    }
    return { ...response.body, email, password };
  }

  login(body: Record<string, unknown>): Promise<HttpResult<TokenPair>> {
    return this.request<TokenPair>('POST', '/api/auth/login', { body });
  }

  /** Polls until the token's holder can read its org (the org is created from an event). */
  async waitUntilOrgReadable(orgId: string, token: string, timeoutMs = 10_000): Promise<number> {
    const started = Date.now();
    await waitFor(
      () => this.request('GET', `/api/orgs/${orgId}/settings`, { token }),
      (response) => response.status === 200,
      { timeoutMs, intervalMs: 25, description: `org ${orgId} to be readable` },
    );
    return Date.now() - started;
  }
}
