import type { AppointmentCompletedV1 } from '@careloop/contracts';
import { Hl7Message } from '@medplum/core';
import type { Hl7Segment } from '@medplum/core';
import { validateAppointment } from './appointment-validation';
import {
  toBirthYear,
  toE164,
  toEmail,
  toLabel,
  toLanguageTag,
  unusablePhoneReason,
} from './contact-normalisation';
import { offsetOfHl7DateTime, parseHl7DateTime } from './date-time';
import type { IntakeFieldError, IntakeWarning, MappedItem, MappingContext } from './intake.types';
import { fieldError, MAX_ITEMS_PER_BODY } from './intake.types';

/** One message of an HL7 v2 body as the intake saw it: what an ACK needs besides the outcome. */
export interface Hl7MessageInfo {
  /** MSH-10, as far as it could be read. */
  controlId: string;
  /** The parsed message, when its framing was sound (the ACK then mirrors its MSH). */
  message?: Hl7Message;
}

export type Hl7MappedItem = MappedItem & { hl7: Hl7MessageInfo };

export type Hl7MappedBody =
  { readable: true; items: Hl7MappedItem[] } | { readable: false; errors: IntakeFieldError[] };

// Batch and file envelopes carry no clinical content; the messages inside them do.
const envelopeSegments = new Set(['BHS', 'BTS', 'FHS', 'FTS']);

interface RawMessage {
  lines: string[];
  /** Text that precedes every MSH: not a message, reported as one rejected item. */
  stray?: boolean;
}

/**
 * Cuts a body into messages: MLLP framing bytes (0x0B, 0x1C) and a UTF-8 BOM are dropped, segments
 * end at CR, LF or CRLF (mixed too), every MSH starts a message, batch/file envelopes are skipped,
 * leading blanks of a segment line are tolerated.
 */
export function splitHl7Messages(body: string): RawMessage[] {
  const lines = body
    // MLLP framing: start block 0x0B, end block 0x1C (then CR).
    .replaceAll(String.fromCharCode(0x0b), '\n')
    .replaceAll(String.fromCharCode(0x1c), '\n')
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/^[\uFEFF\s]+/, '').replace(/\s+$/, ''))
    .filter((line) => line !== '');
  const messages: RawMessage[] = [];
  let current: RawMessage | undefined;
  for (const line of lines) {
    const name = line.slice(0, 3);
    if (name === 'MSH') {
      current = { lines: [line] };
      messages.push(current);
    } else if (envelopeSegments.has(name) && (line.length === 3 || line[3] === '|')) {
      current = undefined;
    } else if (current) {
      current.lines.push(line);
    } else {
      const stray = messages[messages.length - 1];
      if (stray?.stray) stray.lines.push(line);
      else messages.push({ lines: [line], stray: true });
    }
  }
  return messages;
}

/** MSH-10 read naively, for an ACK to a message whose framing could not be trusted. */
function naiveControlId(mshLine: string): string {
  const separator = mshLine[3] ?? '|';
  return (mshLine.split(separator)[9] ?? '').trim().slice(0, 199);
}

function checkFraming(lines: readonly string[]): IntakeFieldError | undefined {
  const msh = lines[0] ?? '';
  const fieldSeparator = msh[3];
  if (fieldSeparator === undefined || /[A-Za-z0-9\s]/.test(fieldSeparator)) {
    return fieldError(
      'MSH-1',
      'malformed',
      'MSH-1 (field separator) is missing or a letter, digit or blank',
    );
  }
  const encoding = msh.slice(4).split(fieldSeparator)[0] ?? '';
  const distinct = new Set(encoding).size === encoding.length;
  if (
    (encoding.length !== 4 && encoding.length !== 5) ||
    !distinct ||
    /[A-Za-z0-9\s]/.test(encoding) ||
    encoding.includes(fieldSeparator)
  ) {
    return fieldError(
      'MSH-2',
      'malformed',
      `MSH-2 encoding characters "${encoding.slice(0, 10)}" are invalid: 4 (or 5) distinct non-alphanumeric characters are required, usually ^~\\&`,
    );
  }
  const segment = new RegExp(`^[A-Z][A-Z0-9]{2}(\\${fieldSeparator}|$)`);
  const bad = lines.findIndex((line) => !segment.test(line));
  if (bad >= 0) {
    return fieldError(
      `segment ${bad + 1}`,
      'malformed',
      `line "${lines[bad]?.slice(0, 40) ?? ''}" is not an HL7 segment (three-character name, then the field separator)`,
    );
  }
  return undefined;
}

/** Resolves HL7 escape sequences (\F\ \S\ \T\ \R\ \E\, \Xhh\, \.br\) and the null value `""`. */
function unescape(value: string, message: Hl7Message): string {
  if (value === '""') return '';
  const {
    escapeCharacter: escape,
    fieldSeparator,
    componentSeparator,
    subcomponentSeparator,
    repetitionSeparator,
  } = message.context;
  if (!value.includes(escape)) return value;
  const pattern = new RegExp(`\\${escape}([^\\${escape}]*)\\${escape}`, 'g');
  return value.replace(pattern, (_match, code: string) => {
    switch (code) {
      case 'F':
        return fieldSeparator;
      case 'S':
        return componentSeparator;
      case 'T':
        return subcomponentSeparator;
      case 'R':
        return repetitionSeparator;
      case 'E':
        return escape;
      case '.br':
        return ' ';
      default:
        if (/^X([0-9A-Fa-f]{2})+$/.test(code))
          return Buffer.from(code.slice(1), 'hex').toString('latin1');
        return '';
    }
  });
}

/** A component (1-based field and component, 0-based repetition), unescaped and trimmed. */
function read(
  message: Hl7Message,
  segment: Hl7Segment | undefined,
  field: number,
  component = 1,
  repetition = 0,
  subcomponent?: number,
): string {
  if (!segment) return '';
  const raw = segment.getField(field)?.getComponent(component, subcomponent, repetition) ?? '';
  return unescape(raw, message).trim();
}

function repetitions(segment: Hl7Segment | undefined, field: number): number {
  return segment?.getField(field)?.components.length ?? 0;
}

function personName(
  message: Hl7Message,
  segment: Hl7Segment | undefined,
  field: number,
): string | undefined {
  // XPN / XCN: family name (its first subcomponent), given name, second given names.
  const offset = field === 5 ? 0 : 1;
  const family = read(message, segment, field, 1 + offset, 0, 0);
  const given = read(message, segment, field, 2 + offset);
  const middle = read(message, segment, field, 3 + offset);
  const joined = [given, middle, family].filter((part) => part !== '').join(' ');
  return joined === '' ? undefined : joined;
}

interface Contact {
  email?: string;
  phone?: string;
}

/** PID-13 (home) before PID-14 (business); XTN in both the old (XTN-1) and the structured forms. */
function contactOf(
  message: Hl7Message,
  pid: Hl7Segment,
  warnings: IntakeWarning[],
  phoneRegion: string | undefined,
): Contact {
  const contact: Contact = {};
  const unusablePhones: string[] = [];
  for (const field of [13, 14]) {
    for (let repetition = 0; repetition < repetitions(pid, field); repetition += 1) {
      const at = (component: number) => read(message, pid, field, component, repetition);
      const equipment = at(3).toLowerCase();
      const electronic = equipment === 'internet' || equipment === 'x.400' || at(2) === 'NET';
      if (electronic) {
        const email = at(4) ? toEmail(at(4)) : undefined;
        if (email && !contact.email) contact.email = email;
        else if (at(4) && !email)
          warnings.push({ field: `PID-${field}.4`, message: 'is not an email address; left out' });
        continue;
      }
      const structured = at(7) !== '' ? `${at(5) ? `+${at(5)}` : ''}${at(6)}${at(7)}` : '';
      const number = structured || at(12) || at(1);
      if (number === '' || contact.phone) continue;
      const phone = toE164(number, phoneRegion);
      if (phone) contact.phone = phone;
      else unusablePhones.push(`PID-${field}: "${number.slice(0, 40)}"`);
    }
  }
  if (!contact.phone && unusablePhones.length > 0) {
    warnings.push({
      field: 'PID-13',
      message: `phone ${unusablePhones.join(', ')} ${unusablePhoneReason(phoneRegion)}`,
    });
  }
  return contact;
}

const messageCodes = { messageType: 'ADT', triggerEvent: 'A03' };

function mapMessage(raw: RawMessage, index: number, context: MappingContext): Hl7MappedItem {
  const firstLine = raw.lines[0] ?? '';
  if (raw.stray) {
    return {
      ok: false,
      index,
      errors: [
        fieldError(
          '',
          'malformed',
          `text before the first MSH segment is not an HL7 message: "${firstLine.slice(0, 40)}"`,
        ),
      ],
      hl7: { controlId: '' },
    };
  }
  const framing = checkFraming(raw.lines);
  if (framing)
    return { ok: false, index, errors: [framing], hl7: { controlId: naiveControlId(firstLine) } };

  let message: Hl7Message;
  try {
    message = Hl7Message.parse(raw.lines.join('\r'));
  } catch (error) {
    return {
      ok: false,
      index,
      errors: [
        fieldError(
          'MSH',
          'malformed',
          `the message could not be parsed: ${(error as Error).message}`,
        ),
      ],
      hl7: { controlId: naiveControlId(firstLine) },
    };
  }
  const msh = message.getSegment('MSH');
  const controlId = read(message, msh, 10).slice(0, 199);
  const hl7: Hl7MessageInfo = { controlId, message };
  const errors: IntakeFieldError[] = [];
  const warnings: IntakeWarning[] = [];

  const messageType = read(message, msh, 9, 1);
  const triggerEvent = read(message, msh, 9, 2);
  if (messageType !== messageCodes.messageType || triggerEvent !== messageCodes.triggerEvent) {
    const named = [messageType, triggerEvent].filter((part) => part !== '').join('^') || 'empty';
    errors.push(
      fieldError(
        'MSH-9',
        'not-adt-a03',
        `message type is ${named.slice(0, 40)}; only ADT^A03 (discharge / end of visit) completes an appointment`,
      ),
    );
    return { ok: false, index, errors, hl7 };
  }

  const pid = message.getSegment('PID');
  const pv1 = message.getSegment('PV1');
  const evn = message.getSegment('EVN');
  if (!pid)
    errors.push(fieldError('PID', 'missing-field', 'the PID segment (the patient) is required'));
  if (!pv1)
    errors.push(fieldError('PV1', 'missing-pv1', 'the PV1 segment (the visit) is required'));
  const visitNumber = read(message, pv1, 19);
  if (pv1 && visitNumber === '') {
    // PID-18 (account number) is deliberately not a fallback: an account can span many visits,
    // and every later visit would be swallowed as a duplicate.
    errors.push(
      fieldError(
        'PV1-19',
        'no-visit-id',
        'PV1-19 (visit number) is empty; it identifies the appointment',
      ),
    );
  }
  let patientId = '';
  let patientIdField = 'PID-3';
  if (pid) {
    for (
      let repetition = 0;
      repetition < repetitions(pid, 3) && patientId === '';
      repetition += 1
    ) {
      patientId = read(message, pid, 3, 1, repetition);
      patientIdField = repetition === 0 ? 'PID-3.1' : `PID-3(${repetition + 1}).1`;
    }
    if (patientId === '')
      errors.push(
        fieldError('PID-3', 'missing-field', 'PID-3 (patient identifier list) has no identifier'),
      );
  }

  const defaults = {
    ...(context.timezone !== undefined ? { timezone: context.timezone } : {}),
    ...(offsetOfHl7DateTime(read(message, msh, 7)) !== undefined
      ? { senderOffsetMinutes: offsetOfHl7DateTime(read(message, msh, 7)) }
      : {}),
  };
  // The end: PV1-45 (discharge), else when the event occurred (EVN-6), was recorded (EVN-2), sent (MSH-7).
  const endCandidates: [string, string][] = [
    ['PV1-45', read(message, pv1, 45)],
    ['EVN-6', read(message, evn, 6)],
    ['EVN-2', read(message, evn, 2)],
    ['MSH-7', read(message, msh, 7)],
  ];
  const [endField, endRaw] = endCandidates.find(([, value]) => value !== '') ?? ['PV1-45', ''];
  let endedAt: string | undefined;
  let endToTheMinute = false;
  if (!pv1) {
    // Without the visit there is nothing to time; the missing PV1 is the reason.
  } else if (endRaw === '') {
    errors.push(
      fieldError(
        'PV1-45',
        'missing-field',
        'no discharge time: PV1-45, EVN-6, EVN-2 and MSH-7 are all empty',
      ),
    );
  } else {
    const end = parseHl7DateTime(endRaw, defaults);
    if (!end.ok) errors.push(fieldError(endField, 'invalid-field', end.message));
    else {
      endedAt = end.value;
      endToTheMinute = end.minutePrecision === true;
      if (endField !== 'PV1-45')
        warnings.push({ field: 'PV1-45', message: `empty; the end time is ${endField}` });
      if (end.assumedUtc)
        warnings.push({
          field: endField,
          message:
            "has no UTC offset, and neither ?timezone= nor the organization's timezone is known; read as UTC",
        });
    }
  }
  let startedAt: string | undefined;
  const startRaw = read(message, pv1, 44);
  if (startRaw !== '') {
    const start = parseHl7DateTime(startRaw, defaults);
    if (start.ok) startedAt = start.value;
    else
      warnings.push({ field: 'PV1-44', message: `${start.message}; the start time was left out` });
  }
  if (startedAt !== undefined && endedAt !== undefined && endToTheMinute) {
    // A discharge to the minute (201302111000) after an admission to the second (20130211100052)
    // in the same minute: the end lies in that minute and not before the start, so it is the start.
    const gap = Date.parse(startedAt) - Date.parse(endedAt);
    if (gap > 0 && gap < 60_000) {
      endedAt = startedAt;
      warnings.push({
        field: endField,
        message: 'is given to the minute, within the start minute; the end is taken as the start',
      });
    }
  }
  if (errors.length > 0 || !pid || !pv1 || endedAt === undefined) {
    return { ok: false, index, ...(visitNumber ? { externalId: visitNumber } : {}), errors, hl7 };
  }

  const contact = contactOf(message, pid, warnings, context.phoneRegion);
  const name = toLabel(personName(message, pid, 5), 200);
  const languageRaw = read(message, pid, 15);
  const language = languageRaw ? toLanguageTag(languageRaw) : undefined;
  if (languageRaw && !language)
    warnings.push({
      field: 'PID-15',
      message: `"${languageRaw.slice(0, 20)}" is not a language code; left out`,
    });
  const birthYear = toBirthYear(read(message, pid, 7));
  const type = toLabel(read(message, pv1, 4) || read(message, pv1, 2));
  const department = toLabel(read(message, pv1, 10));
  const site = toLabel(read(message, pv1, 3, 4, 0, 0) || read(message, pv1, 3, 1));
  const provider = toLabel(read(message, pv1, 7, 1) || personName(message, pv1, 7));

  const appointment: AppointmentCompletedV1 = {
    externalAppointmentId: visitNumber,
    orgId: context.orgId,
    patient: {
      externalId: patientId,
      ...(name !== undefined ? { name } : {}),
      ...contact,
      ...(language !== undefined ? { language } : {}),
      ...(birthYear !== undefined ? { birthYear } : {}),
    },
    appointment: {
      ...(type !== undefined ? { type } : {}),
      ...(department !== undefined ? { department } : {}),
      ...(site !== undefined ? { site } : {}),
      ...(provider !== undefined ? { provider } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
      endedAt,
      ...(context.timezone !== undefined ? { timezone: context.timezone } : {}),
    },
  };
  const contractErrors = validateAppointment(appointment, {
    externalAppointmentId: 'PV1-19',
    'patient.externalId': patientIdField,
    'appointment.startedAt': 'PV1-44',
    'appointment.endedAt': endField,
  });
  if (contractErrors.length > 0) {
    return { ok: false, index, externalId: visitNumber, errors: contractErrors, hl7 };
  }
  return { ok: true, index, appointment, warnings, hl7 };
}

/**
 * An HL7 v2 body: one or several ER7 (pipe-delimited) messages, optionally MLLP-framed or inside
 * BHS/BTS, FHS/FTS envelopes. Each ADT^A03 becomes one appointment; any other message, or a
 * message that breaks the framing rules, is a rejected item. Never throws.
 */
export function mapHl7v2Body(body: unknown, context: MappingContext): Hl7MappedBody {
  const source = Buffer.isBuffer(body)
    ? body.toString('utf8')
    : typeof body === 'string'
      ? body
      : undefined;
  if (source === undefined) {
    return {
      readable: false,
      errors: [fieldError('', 'malformed', 'the body must be HL7 v2 text (ER7)')],
    };
  }
  const messages = splitHl7Messages(source);
  if (!messages.some((message) => !message.stray)) {
    return {
      readable: false,
      errors: [
        fieldError('MSH', 'malformed', 'the body holds no MSH segment, so no HL7 v2 message'),
      ],
    };
  }
  if (messages.length > MAX_ITEMS_PER_BODY) {
    return {
      readable: false,
      errors: [
        fieldError(
          '',
          'invalid-field',
          `a body holds at most ${MAX_ITEMS_PER_BODY} messages, this one ${messages.length}`,
        ),
      ],
    };
  }
  return {
    readable: true,
    items: messages.map((message, index) => mapMessage(message, index, context)),
  };
}
