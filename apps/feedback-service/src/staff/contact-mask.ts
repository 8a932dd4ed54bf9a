/**
 * What staff lists show of a contact: enough to recognise it on the phone, not enough to use it.
 * `jeanne.martin@example.org` -> `j***@example.org`, `+41791234567` -> `+41*******67`.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0] ?? ''}***${email.slice(at)}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length <= 5) return '***';
  const head = digits.startsWith('+') ? 3 : 2;
  return `${digits.slice(0, head)}${'*'.repeat(digits.length - head - 2)}${digits.slice(-2)}`;
}
