/**
 * CSV as RFC 4180 writes it (comma separated, CRLF line ends, a field quoted when it holds a
 * comma, a quote, CR or LF, quotes doubled), safe to open in a spreadsheet: a cell a patient
 * wrote that starts with =, +, -, @ (or tab / CR, which some spreadsheets skip before a formula)
 * is prefixed with an apostrophe, so it is shown as text and never run as a formula (OWASP
 * "CSV injection").
 */

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

export function csvCell(value: string): string {
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * One answer as one cell: choices of a multiple choice joined with "; ", a matrix as
 * "row: column" pairs, and an "other" answer followed by what the patient wrote.
 */
export function answerText(answer: unknown, otherComment?: unknown): string {
  let text: string;
  if (Array.isArray(answer)) {
    text = answer.map(scalarText).join('; ');
  } else if (typeof answer === 'object' && answer !== null) {
    text = Object.entries(answer as Record<string, unknown>)
      .map(([row, column]) => `${row}: ${scalarText(column)}`)
      .join('; ');
  } else {
    text = scalarText(answer);
  }
  const comment = scalarText(otherComment);
  return comment ? `${text}${text ? ' ' : ''}(other: ${comment})` : text;
}
