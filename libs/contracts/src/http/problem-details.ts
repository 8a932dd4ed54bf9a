import type { FieldError } from '../field-error';

export const PROBLEM_JSON_CONTENT_TYPE = 'application/problem+json';

/**
 * RFC 9457 problem details, the one error body of every CareLoop HTTP API. `errors` lists the
 * broken rules of a 400/422 (same `{field, message}` shape as ContractViolationError);
 * `correlationId` is the request's, so a report can be matched with the logs.
 */
export interface ProblemDetails {
  /** A URI naming the problem type; `about:blank` when the status says it all. */
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  correlationId?: string;
  errors?: FieldError[];
}
