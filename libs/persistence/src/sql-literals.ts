/**
 * Values rendered into SQL text, for statements that must travel as one simple-protocol query
 * (several statements in one round trip cannot carry parameters). Each renderer refuses anything
 * outside a narrow alphabet instead of escaping it, so no input can close its literal; anything
 * else (answers, payloads) goes through parameters.
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Names our code chooses (consumer names, event types): letters, digits and `._:/-`. */
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

/** A UUID as SQL text; refuses anything else. */
export function uuidLiteral(value: string): string {
  if (!uuidPattern.test(value)) throw new TypeError(`not a UUID: ${value}`);
  return `'${value.toLowerCase()}'::uuid`;
}

/** Bytes as SQL text (hex, which cannot close the literal). */
export function byteaLiteral(value: Buffer): string {
  return `'\\x${value.toString('hex')}'::bytea`;
}

/** A name our code chose (a consumer, an event type) as SQL text; refuses anything wider. */
export function nameLiteral(value: string): string {
  if (!namePattern.test(value)) throw new TypeError(`not a plain name: ${value}`);
  return `'${value}'`;
}
