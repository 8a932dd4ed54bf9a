import {
  ForbiddenException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';

/**
 * RFC 9457 problem bodies. The application's problem filter renders them as
 * `application/problem+json` and adds the correlation id; Nest's default filter still sends them
 * as JSON with the right status. Each exception's `message` is the detail too, for filters that
 * read `exception.message`.
 */
export interface SecurityProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

export class AuthenticationRequiredException extends UnauthorizedException {
  constructor(detail = 'A valid bearer access token is required') {
    const problem: SecurityProblem = {
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail,
    };
    super(problem);
    this.message = problem.detail;
  }
}

export class AccessDeniedException extends ForbiddenException {
  constructor(detail = 'The caller is not allowed to perform this operation') {
    const problem: SecurityProblem = {
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail,
    };
    super(problem);
    this.message = problem.detail;
  }
}

/**
 * The signing keys could not be fetched, so no token can be judged. 503 rather than 401: the
 * token may be perfectly valid, and a 401 would make clients throw away good sessions.
 */
export class SigningKeysUnavailableException extends ServiceUnavailableException {
  constructor() {
    const problem: SecurityProblem = {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'Access tokens cannot be verified right now; retry shortly',
    };
    super(problem);
    this.message = problem.detail;
  }
}
