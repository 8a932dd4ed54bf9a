import type { AppointmentCompletedV1 } from '@careloop/contracts';
import { validateAppointment } from './appointment-validation';
import type { IntakeFieldError, MappedBody, MappedItem, MappingContext } from './intake.types';
import { fieldError, MAX_ITEMS_PER_BODY } from './intake.types';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(item: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), item);
}

/**
 * The native body: one appointment object, or an array of up to 1,000. Each item is the
 * `appointment.completed` payload (libs/contracts) without `orgId`, which comes from the token; an
 * `orgId` in the item must equal the token's.
 */
export function mapNativeBody(body: unknown, context: MappingContext): MappedBody {
  if (Array.isArray(body)) {
    if (body.length === 0) {
      return {
        readable: false,
        errors: [fieldError('', 'missing-field', 'the batch is empty')],
      };
    }
    if (body.length > MAX_ITEMS_PER_BODY) {
      return {
        readable: false,
        errors: [
          fieldError(
            '',
            'invalid-field',
            `a batch holds at most ${MAX_ITEMS_PER_BODY} appointments, this one ${body.length}`,
          ),
        ],
      };
    }
    return {
      readable: true,
      items: body.map((item, index) => mapNativeItem(item, index, context)),
    };
  }
  if (isObject(body)) return { readable: true, items: [mapNativeItem(body, 0, context)] };
  return {
    readable: false,
    errors: [
      fieldError('', 'malformed', 'the body must be an appointment object or an array of them'),
    ],
  };
}

export function mapNativeItem(item: unknown, index: number, context: MappingContext): MappedItem {
  if (!isObject(item)) {
    return {
      ok: false,
      index,
      errors: [fieldError('', 'invalid-field', 'each appointment must be a JSON object')],
    };
  }
  const externalId =
    typeof item['externalAppointmentId'] === 'string' ? item['externalAppointmentId'] : undefined;
  const orgId = item['orgId'];
  if (orgId !== undefined && orgId !== context.orgId) {
    return {
      ok: false,
      index,
      ...(externalId !== undefined ? { externalId } : {}),
      errors: [
        fieldError(
          'orgId',
          'org-mismatch',
          "orgId differs from the access token's organization; omit it or send the token's",
        ),
      ],
    };
  }
  const appointment = isObject(item['appointment'])
    ? { ...item['appointment'] }
    : item['appointment'];
  if (isObject(appointment) && appointment['timezone'] === undefined && context.timezone) {
    appointment['timezone'] = context.timezone;
  }
  const candidate = {
    ...item,
    orgId: context.orgId,
    appointment,
  } as unknown as AppointmentCompletedV1;
  const errors: IntakeFieldError[] = validateAppointment(candidate).map((error) =>
    valueAt(item, error.field) === undefined && !error.message.includes('should not exist')
      ? { ...error, reason: 'missing-field' }
      : error,
  );
  if (errors.length > 0) {
    return { ok: false, index, ...(externalId !== undefined ? { externalId } : {}), errors };
  }
  return { ok: true, index, appointment: candidate, warnings: [] };
}
