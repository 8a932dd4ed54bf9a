import { Hl7Message, Hl7Segment } from '@medplum/core';
import type { Hl7MappedItem } from './hl7v2-adt.mapper';
import type { IntakeRejectionReason } from './intake.types';

export type AckCode = 'AA' | 'AE' | 'AR';

/** Media type of HL7 v2 ER7 text; a caller asking for it in Accept gets ACK messages back. */
export const HL7_V2_MEDIA_TYPE = 'x-application/hl7-v2+er7';

// AR (reject): the message is not one this endpoint processes or cannot be read; AE (error): an
// ADT^A03 whose content is wrong. HL7 table 0357 codes for ERR-3.
const rejectReasons = new Set<IntakeRejectionReason>(['not-adt-a03', 'malformed']);
const errorCodes: Partial<Record<IntakeRejectionReason, string>> = {
  'not-adt-a03': '200^Unsupported message type^HL70357',
  malformed: '100^Segment sequence error^HL70357',
  'missing-pv1': '100^Segment sequence error^HL70357',
  'no-visit-id': '101^Required field missing^HL70357',
  'missing-field': '101^Required field missing^HL70357',
};

export function ackCodeOf(item: Hl7MappedItem): AckCode {
  if (item.ok) return 'AA';
  return item.errors.some((error) => rejectReasons.has(error.reason)) ? 'AR' : 'AE';
}

/** Text for an ER7 field: the four encoding characters escaped, line breaks flattened. */
function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\E\\')
    .replace(/\|/g, '\\F\\')
    .replace(/\^/g, '\\S\\')
    .replace(/&/g, '\\T\\')
    .replace(/~/g, '\\R\\')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 500);
}

/** `PV1-19` -> `PV1^1^19` (ERR-2, error location). */
function locationOf(field: string): string {
  const match = /^([A-Z][A-Z0-9]{2})-(\d+)/.exec(field);
  return match ? `${match[1]}^1^${match[2]}` : '';
}

function errSegment(item: Hl7MappedItem): Hl7Segment | undefined {
  if (item.ok) return undefined;
  const first = item.errors[0];
  if (!first) return undefined;
  const message = item.errors.map((error) => `${error.field}: ${error.message}`).join('; ');
  return new Hl7Segment([
    'ERR',
    '',
    locationOf(first.field),
    errorCodes[first.reason] ?? '207^Application internal error^HL70357',
    'E',
    '',
    '',
    '',
    escapeText(message),
  ]);
}

function timestamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, '+0000');
}

/**
 * One ACK per message, in order, joined by CR: MSA-1 AA / AE / AR, MSA-2 the message's MSH-10,
 * an ERR segment with the first problem's location and every problem's text. A message whose
 * MSH could be parsed gets medplum's ACK (sender and receiver swapped, same version).
 */
export function buildAcknowledgements(items: readonly Hl7MappedItem[], now = new Date()): string {
  return items
    .map((item) => {
      const ackCode = ackCodeOf(item);
      const err = errSegment(item);
      if (item.hl7.message) {
        return item.hl7.message
          .buildAck({ ackCode, ...(err ? { errSegment: err } : {}) })
          .toString();
      }
      return new Hl7Message([
        new Hl7Segment([
          'MSH',
          '^~\\&',
          'CARELOOP',
          'CARELOOP',
          '',
          '',
          timestamp(now),
          '',
          'ACK',
          `ACK${now.getTime()}`,
          'P',
          '2.5',
        ]),
        new Hl7Segment(['MSA', ackCode, escapeText(item.hl7.controlId)]),
        ...(err ? [err] : []),
      ]).toString();
    })
    .join('\r');
}
