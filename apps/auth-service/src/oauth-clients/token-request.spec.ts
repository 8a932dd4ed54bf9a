import { OauthError } from './oauth.errors';
import { readClientCredentialsRequest } from './token-request';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function errorOf(body: unknown, authorization?: string): string {
  try {
    readClientCredentialsRequest(body, authorization);
    return 'accepted';
  } catch (error) {
    return error instanceof OauthError ? error.error : 'thrown';
  }
}

describe(readClientCredentialsRequest.name, () => {
  it('should read client_secret_post with scopes', () => {
    expect(
      readClientCredentialsRequest(
        { grant_type: 'client_credentials', client_id: 'c', client_secret: 's', scope: 'a  b' },
        undefined,
      ),
    ).toEqual({ clientId: 'c', clientSecret: 's', scopes: ['a', 'b'], viaBasic: false });
  });

  it('should read client_secret_basic with form-encoded parts', () => {
    expect(
      readClientCredentialsRequest({ grant_type: 'client_credentials' }, basic('c:1', 's %x')),
    ).toEqual({ clientId: 'c:1', clientSecret: 's %x', scopes: undefined, viaBasic: true });
  });

  it.each<[string, unknown, string | undefined, string]>([
    ['no grant type', { client_id: 'c', client_secret: 's' }, undefined, 'invalid_request'],
    ['another grant type', { grant_type: 'password' }, undefined, 'unsupported_grant_type'],
    ['no credentials', { grant_type: 'client_credentials' }, undefined, 'invalid_client'],
    [
      'two methods',
      { grant_type: 'client_credentials', client_secret: 's' },
      basic('c', 's'),
      'invalid_request',
    ],
    [
      'a non-string field',
      { grant_type: 'client_credentials', client_id: 1 },
      undefined,
      'invalid_request',
    ],
    ['a body that is not an object', 'grant_type=client_credentials', undefined, 'invalid_request'],
  ])('should refuse %s', (_case, body, authorization, error) => {
    expect(errorOf(body, authorization)).toBe(error);
  });
});
