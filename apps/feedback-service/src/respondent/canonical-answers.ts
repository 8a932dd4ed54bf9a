import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * SHA-256 of the answers with object keys sorted: the same answers in another key order are the
 * same submission (a retried POST), anything else is a different one (409).
 */
export function answersDigest(answers: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(answers)))
    .digest('hex');
}
