import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';

/** Distinct statement texts prepared per process; past this, statements run unnamed. */
const MAX_PREPARED = 200;
const names = new Map<string, string>();

/**
 * A parameterized statement as a named (prepared) one: Postgres parses and plans it once per
 * connection instead of on every execution, ~0.15 ms saved per execution of a CTE on the
 * write path. For statements whose text is fixed (values in parameters, lists as arrays); a caller
 * that builds texts on the fly would fill Postgres with prepared statements, so after
 * `MAX_PREPARED` distinct texts new ones run unnamed. (Named statements do not survive a
 * transaction-pooling PgBouncer; CareLoop connects to Postgres directly.)
 */
export function preparedStatement(text: string, values: unknown[] = []): QueryConfig {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_PREPARED) {
    name = `careloop_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}
