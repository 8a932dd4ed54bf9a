import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { correlationIdFromHeaders, correlationIdOf, resolveCorrelationId } from './correlation-id';

function request(headers: Record<string, string>): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.headers = headers;
  return message;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(correlationIdFromHeaders.name, () => {
  it.each([
    ['x-correlation-id', { 'x-correlation-id': 'abc-123' }, 'abc-123'],
    ['x-request-id when no correlation id', { 'x-request-id': 'req-9' }, 'req-9'],
    ['x-correlation-id over x-request-id', { 'x-correlation-id': 'c', 'x-request-id': 'r' }, 'c'],
  ])('should take %s', (_case, headers, expected) => {
    expect(correlationIdFromHeaders(headers)).toBe(expected);
  });

  it.each([
    ['no header', {}],
    ['a newline', { 'x-correlation-id': 'a\nforged log line' }],
    ['an overlong value', { 'x-correlation-id': 'x'.repeat(500) }],
  ])('should generate a UUID for %s', (_case, headers) => {
    expect(correlationIdFromHeaders(headers)).toMatch(uuid);
  });
});

describe(resolveCorrelationId.name, () => {
  it('should decide once per request and echo the id on the response', () => {
    const incoming = request({});
    const response = new ServerResponse(incoming);
    const sut = resolveCorrelationId(incoming, response);
    expect(resolveCorrelationId(incoming)).toBe(sut);
    expect(correlationIdOf({ raw: incoming })).toBe(sut);
    expect(response.getHeader('x-correlation-id')).toBe(sut);
  });
});
