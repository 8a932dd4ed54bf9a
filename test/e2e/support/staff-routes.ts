import { join } from 'node:path';
import { newUuid } from '@careloop/testing';
import { loadKongConfig } from '../../../apps/gateway/src/kong-config.loader';
import type { KongRoute } from '../../../apps/gateway/src/kong-config.types';
import { repositoryRoot } from '../../../scripts/local-stack';

interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  minLength?: number;
  minItems?: number;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: OpenApiSchema }[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** One operation of a service, as the gateway exposes it to staff. */
export interface StaffOperation {
  service: string;
  method: string;
  /** The OpenAPI template, e.g. `/api/orgs/{orgId}/sites/{siteId}`. */
  template: string;
  route: KongRoute;
  pathParameters: string[];
  operation: OpenApiOperation;
  document: OpenApiDocument;
}

const httpMethods = new Set(['get', 'post', 'put', 'patch', 'delete']);

function routeFor(routes: KongRoute[], path: string): KongRoute | undefined {
  let best: { route: KongRoute; length: number } | undefined;
  for (const route of routes) {
    for (const prefix of route.paths) {
      if (path.startsWith(prefix) && (!best || prefix.length > best.length)) {
        best = { route, length: prefix.length };
      }
    }
  }
  return best?.route;
}

/**
 * Every operation of every service's OpenAPI document that kong.yml serves as a staff route
 * (`access:staff`): the list grows by itself as services add routes.
 */
export function staffOperations(documents: Record<string, OpenApiDocument>): StaffOperation[] {
  const kong = loadKongConfig(join(repositoryRoot, 'deploy/kong/kong.yml'), {
    DECK_CARELOOP_JWT_ISSUER: 'issuer',
  });
  const operations: StaffOperation[] = [];
  for (const [service, document] of Object.entries(documents)) {
    for (const [template, methods] of Object.entries(document.paths)) {
      const concrete = template.replace(/\{[^}]+\}/g, 'x');
      const route = routeFor(kong.routes, concrete);
      if (!route?.tags.includes('access:staff')) continue;
      for (const [method, operation] of Object.entries(methods)) {
        if (!httpMethods.has(method)) continue;
        const pathParameters = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
        operations.push({
          service,
          method: method.toUpperCase(),
          template,
          route,
          pathParameters,
          operation,
          document,
        });
      }
    }
  }
  return operations;
}

function resolve(schema: OpenApiSchema, document: OpenApiDocument): OpenApiSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop()!;
  return document.components?.schemas?.[name] ?? {};
}

/**
 * A request body the schema accepts, as far as OpenAPI tells: examples first, then values that fit
 * the declared type. Fields named like a known id take the victim's value, so the request is about
 * the other organization's data.
 */
export function sampleBody(
  schema: OpenApiSchema,
  document: OpenApiDocument,
  knownValues: Record<string, string>,
  name = '',
  depth = 0,
): unknown {
  const resolved = resolve(schema, document);
  if (knownValues[name] !== undefined) return knownValues[name];
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.default !== undefined) return resolved.default;
  if (resolved.enum?.length) return resolved.enum[0];
  const variant = resolved.allOf?.[0] ?? resolved.oneOf?.[0] ?? resolved.anyOf?.[0];
  if (variant) return sampleBody(variant, document, knownValues, name, depth);
  if (depth > 6) return undefined;
  switch (resolved.type) {
    case 'integer':
    case 'number':
      return resolved.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array': {
      const count = resolved.minItems ?? 0;
      return Array.from({ length: count }, () =>
        sampleBody(resolved.items ?? {}, document, knownValues, name, depth + 1),
      );
    }
    case 'string':
      if (resolved.format === 'uuid') return newUuid();
      if (resolved.format === 'email') return 'someone@clinic.example.org';
      if (resolved.format === 'date-time') return new Date().toISOString();
      return 'x'.repeat(Math.max(resolved.minLength ?? 1, 1));
    default: {
      const body: Record<string, unknown> = {};
      for (const property of resolved.required ?? []) {
        body[property] = sampleBody(
          resolved.properties?.[property] ?? {},
          document,
          knownValues,
          property,
          depth + 1,
        );
      }
      return body;
    }
  }
}

export function requestBodyOf(
  operation: StaffOperation,
  knownValues: Record<string, string>,
): unknown {
  const content = operation.operation.requestBody?.content;
  const schema = content?.['application/json']?.schema;
  return schema ? sampleBody(schema, operation.document, knownValues) : undefined;
}
