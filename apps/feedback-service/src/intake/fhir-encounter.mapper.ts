import type { AppointmentCompletedV1 } from '@careloop/contracts';
import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Encounter,
  HumanName,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { validateAppointment } from './appointment-validation';
import {
  toBirthYear,
  toE164,
  toEmail,
  toLabel,
  toLanguageTag,
  unusablePhoneReason,
} from './contact-normalisation';
import { parseFhirDateTime } from './date-time';
import type {
  IntakeFieldError,
  IntakeWarning,
  MappedBody,
  MappedItem,
  MappingContext,
} from './intake.types';
import { fieldError, MAX_ITEMS_PER_BODY } from './intake.types';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A resource found in the body, with the path the caller's errors should name. */
interface Located<T extends Resource = Resource> {
  resource: T;
  path: string;
}

/**
 * Resolves a Reference the way FHIR does inside one body: `#id` to a contained resource; else a
 * Bundle entry by fullUrl (`urn:uuid:…`, absolute URL) or by `Type/id` (relative fullUrl, or the
 * entry's own type and id). A conditional reference (`Patient?identifier=…`) never resolves.
 */
class ReferenceResolver {
  private readonly byKey = new Map<string, Located>();

  constructor(entries: readonly Located[]) {
    for (const entry of entries) {
      const { resource } = entry;
      const fullUrl = (entry as Located & { fullUrl?: string }).fullUrl;
      if (fullUrl) this.byKey.set(fullUrl, entry);
      if (resource.id) this.byKey.set(`${resource.resourceType}/${resource.id}`, entry);
    }
  }

  resolve(
    referenceValue: unknown,
    container: Encounter,
    containerPath: string,
  ): Located | undefined {
    const reference = text(referenceValue);
    if (!reference || reference.includes('?')) return undefined;
    if (reference.startsWith('#')) {
      const id = reference.slice(1);
      const index = array(container.contained).findIndex(
        (resource) => isObject(resource) && resource['id'] === id,
      );
      const resource = container.contained?.[index];
      return resource ? { resource, path: `${containerPath}contained[${index}]` } : undefined;
    }
    const direct = this.byKey.get(reference);
    if (direct) return direct;
    // An absolute reference to a server the body came from: match its `Type/id` tail.
    const tail = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/.exec(reference)?.[1];
    return tail ? this.byKey.get(tail) : undefined;
  }
}

function codeOf(concept: CodeableConcept | undefined): string | undefined {
  if (!isObject(concept)) return undefined;
  for (const coding of array(concept.coding)) {
    if (isObject(coding)) {
      const code = text(coding['code']) ?? text(coding['display']);
      if (code) return code;
    }
  }
  return text(concept.text);
}

function nameOf(names: unknown): string | undefined {
  const list = array(names).filter(isObject) as HumanName[];
  const chosen =
    list.find((name) => name.use === 'official') ??
    list.find((name) => name.use === 'usual') ??
    list[0];
  if (!chosen) return undefined;
  const given = array(chosen.given).filter((part): part is string => typeof part === 'string');
  const joined = [...given, typeof chosen.family === 'string' ? chosen.family : '']
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
  return toLabel(text(chosen.text) ?? (joined || undefined), 200);
}

function displayOrName(
  reference: Reference | undefined,
  resolved: Located | undefined,
): string | undefined {
  const display = text(reference?.display);
  if (display) return display;
  const resource = resolved?.resource as Json | undefined;
  if (!resource) return undefined;
  return text(resource['name']) ?? nameOf(resource['name']);
}

/** MR (medical record number) first, as a clinic names its patients; then any identifier; then the id. */
function patientIdOf(patient: Patient): { value?: string; field: string } {
  const identifiers = array(patient.identifier).filter(isObject);
  const withValue = identifiers
    .map((identifier, index) => ({ identifier, index }))
    .filter(({ identifier }) => text(identifier['value']) !== undefined);
  const medicalRecord = withValue.find(({ identifier }) =>
    array((identifier['type'] as Json | undefined)?.['coding']).some(
      (coding) => isObject(coding) && coding['code'] === 'MR',
    ),
  );
  const chosen = medicalRecord ?? withValue[0];
  if (chosen)
    return { value: text(chosen.identifier['value']), field: `identifier[${chosen.index}].value` };
  return { value: text(patient.id), field: 'id' };
}

function contactOf(
  patient: Patient,
  patientPath: string,
  warnings: IntakeWarning[],
  phoneRegion: string | undefined,
): { email?: string; phone?: string } {
  const contact: { email?: string; phone?: string } = {};
  const telecoms = array(patient.telecom)
    .map((telecom, index) => ({ telecom, index }))
    .filter((entry): entry is { telecom: Json; index: number } => isObject(entry.telecom))
    .filter(({ telecom }) => telecom['use'] !== 'old' && text(telecom['value']) !== undefined);
  const phones = telecoms.filter(
    ({ telecom }) => telecom['system'] === 'phone' || telecom['system'] === 'sms',
  );
  // A mobile reaches the patient by SMS; prefer it.
  phones.sort(
    (a, b) => Number(b.telecom['use'] === 'mobile') - Number(a.telecom['use'] === 'mobile'),
  );
  for (const { telecom, index } of phones) {
    const phone = toE164(String(telecom['value']), phoneRegion);
    if (phone) {
      contact.phone = phone;
      break;
    }
    warnings.push({
      field: `${patientPath}.telecom[${index}].value`,
      message: `phone "${String(telecom['value']).slice(0, 40)}" ${unusablePhoneReason(phoneRegion)}`,
    });
  }
  for (const { telecom, index } of telecoms.filter(
    ({ telecom }) => telecom['system'] === 'email',
  )) {
    const email = toEmail(String(telecom['value']));
    if (email) {
      contact.email = email;
      break;
    }
    warnings.push({
      field: `${patientPath}.telecom[${index}].value`,
      message: 'is not an email address; left out',
    });
  }
  return contact;
}

function languageOf(patient: Patient): string | undefined {
  const communications = array(patient.communication).filter(isObject);
  const chosen = communications.find((c) => c['preferred'] === true) ?? communications[0];
  const code = codeOf(chosen?.['language'] as CodeableConcept | undefined);
  return code ? toLanguageTag(code) : undefined;
}

/** Who saw the patient: the attender (ATND) or primary performer (PPRF) first, else the first participant. */
function providerOf(
  encounter: Encounter,
  resolver: ReferenceResolver,
  path: string,
): string | undefined {
  const participants = array(encounter.participant).filter(isObject);
  const hasRole = (participant: Json, codes: string[]) =>
    array(participant['type']).some((type) =>
      array((type as Json | undefined)?.['coding']).some(
        (coding) => isObject(coding) && codes.includes(String(coding['code'])),
      ),
    );
  const chosen = participants.find((p) => hasRole(p, ['ATND', 'PPRF'])) ?? participants[0];
  const individual = chosen?.['individual'] as Reference | undefined;
  if (!isObject(individual)) return undefined;
  return toLabel(
    displayOrName(individual, resolver.resolve(individual.reference, encounter, path)),
  );
}

function siteOf(
  encounter: Encounter,
  resolver: ReferenceResolver,
  path: string,
): string | undefined {
  const first = array(encounter.location).find(isObject);
  const location = first?.['location'] as Reference | undefined;
  const site = isObject(location)
    ? displayOrName(location, resolver.resolve(location.reference, encounter, path))
    : undefined;
  const provider = encounter.serviceProvider;
  return toLabel(
    site ??
      (isObject(provider)
        ? displayOrName(provider, resolver.resolve(provider.reference, encounter, path))
        : undefined),
  );
}

function mapEncounter(
  encounter: Encounter,
  index: number,
  path: string,
  resolver: ReferenceResolver,
  context: MappingContext,
): MappedItem {
  const raw = encounter as unknown as Json;
  const errors: IntakeFieldError[] = [];
  const warnings: IntakeWarning[] = [];

  const identifiers = array(encounter.identifier);
  const identifierIndex = identifiers.findIndex(
    (identifier) => isObject(identifier) && text(identifier['value']),
  );
  const externalId =
    identifierIndex >= 0
      ? text((identifiers[identifierIndex] as Json)['value'])
      : text(encounter.id);
  const externalIdField =
    identifierIndex >= 0 ? `${path}identifier[${identifierIndex}].value` : `${path}id`;
  const rejected = (): MappedItem => ({
    ok: false,
    index,
    ...(externalId !== undefined ? { externalId } : {}),
    errors,
  });

  // DSTU2/STU3 shapes: the patient was `patient`, the class a bare code.
  if (raw['subject'] === undefined && raw['patient'] !== undefined) {
    errors.push(
      fieldError(
        `${path}patient`,
        'not-fhir-r4',
        'Encounter.patient is FHIR DSTU2; an R4 Encounter names its patient in subject',
      ),
    );
  }
  if (typeof raw['class'] === 'string') {
    errors.push(
      fieldError(
        `${path}class`,
        'not-fhir-r4',
        'Encounter.class is a string (FHIR DSTU2/STU3); in R4 it is a Coding',
      ),
    );
  }
  if (errors.length > 0) return rejected();

  if (typeof encounter.status !== 'string') {
    errors.push(fieldError(`${path}status`, 'missing-field', 'Encounter.status is required'));
  } else if (encounter.status !== 'finished') {
    errors.push(
      fieldError(
        `${path}status`,
        'status-not-finished',
        `status is "${String(encounter.status).slice(0, 40)}"; only a finished Encounter is a completed appointment`,
      ),
    );
  }
  if (externalId === undefined) {
    errors.push(
      fieldError(
        `${path}id`,
        'missing-field',
        'the Encounter needs an identifier[].value or an id',
      ),
    );
  }

  const subject = encounter.subject;
  const subjectReference = isObject(subject) ? text(subject.reference) : undefined;
  const located = resolver.resolve(subjectReference, encounter, path);
  let patient: Patient | undefined;
  if (!isObject(subject)) {
    errors.push(
      fieldError(`${path}subject`, 'no-patient', 'Encounter.subject is required (the Patient)'),
    );
  } else if (!located) {
    errors.push(
      fieldError(
        `${path}subject.reference`,
        'no-patient',
        subjectReference
          ? `"${subjectReference.slice(0, 80)}" is not in the body; send the Patient contained or as a Bundle entry`
          : 'subject has no reference to a Patient in the body',
      ),
    );
  } else if (located.resource.resourceType !== 'Patient') {
    errors.push(
      fieldError(
        `${path}subject.reference`,
        'no-patient',
        `subject refers to a ${String(located.resource.resourceType)}, not a Patient`,
      ),
    );
  } else {
    patient = located.resource;
  }

  const period = isObject(encounter.period) ? encounter.period : undefined;
  let endedAt: string | undefined;
  let startedAt: string | undefined;
  if (period?.end === undefined) {
    errors.push(
      fieldError(
        `${path}period.end`,
        'missing-field',
        'a finished Encounter needs period.end (when the appointment ended)',
      ),
    );
  } else {
    const end = parseFhirDateTime(period.end);
    if (end.ok) endedAt = end.value;
    else errors.push(fieldError(`${path}period.end`, 'invalid-field', end.message));
  }
  if (period?.start !== undefined) {
    const start = parseFhirDateTime(period.start);
    if (start.ok) startedAt = start.value;
    else errors.push(fieldError(`${path}period.start`, 'invalid-field', start.message));
  }
  if (errors.length > 0 || !patient || !located || externalId === undefined || !endedAt)
    return rejected();

  const patientPath = located.path;
  const patientId = patientIdOf(patient);
  const contact = contactOf(patient, patientPath, warnings, context.phoneRegion);
  const name = nameOf(patient.name);
  const language = languageOf(patient);
  const birthYear =
    typeof patient.birthDate === 'string' ? toBirthYear(patient.birthDate) : undefined;
  const type = toLabel(
    codeOf(array(encounter.type)[0] as CodeableConcept | undefined) ?? text(encounter.class?.code),
  );
  const department = toLabel(
    codeOf(array(encounter.serviceType)[0] as CodeableConcept | undefined) ??
      codeOf(encounter.serviceType),
  );
  const site = siteOf(encounter, resolver, path);
  const provider = providerOf(encounter, resolver, path);

  const appointment: AppointmentCompletedV1 = {
    externalAppointmentId: externalId,
    orgId: context.orgId,
    patient: {
      externalId: patientId.value ?? '',
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
    externalAppointmentId: externalIdField,
    'patient.externalId': `${patientPath}.${patientId.field}`,
    'appointment.startedAt': `${path}period.start`,
    'appointment.endedAt': `${path}period.end`,
  });
  if (contractErrors.length > 0) {
    errors.push(...contractErrors);
    return rejected();
  }
  return { ok: true, index, appointment, warnings };
}

/**
 * A FHIR R4 body: one Encounter (its Patient `contained`), or a Bundle of any type whose
 * Encounters become the items (index = entry index; paths like `entry[2].resource.period.end`).
 * Takes the raw text (`application/fhir+json`) or an already parsed object (`application/json`).
 */
export function mapFhirBody(body: unknown, context: MappingContext): MappedBody {
  let parsed: unknown = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const source = (Buffer.isBuffer(body) ? body.toString('utf8') : body).replace(/^\uFEFF/, '');
    try {
      parsed = JSON.parse(source);
    } catch (error) {
      return {
        readable: false,
        errors: [fieldError('', 'malformed', `the body is not JSON: ${(error as Error).message}`)],
      };
    }
  }
  if (!isObject(parsed) || typeof parsed['resourceType'] !== 'string') {
    return {
      readable: false,
      errors: [
        fieldError(
          'resourceType',
          'malformed',
          'the body is not a FHIR resource (no resourceType)',
        ),
      ],
    };
  }
  if (parsed['resourceType'] === 'Encounter') {
    const encounter = parsed as unknown as Encounter;
    return {
      readable: true,
      items: [mapEncounter(encounter, 0, '', new ReferenceResolver([]), context)],
    };
  }
  if (parsed['resourceType'] !== 'Bundle') {
    return {
      readable: false,
      errors: [
        fieldError(
          'resourceType',
          'no-encounter',
          `a ${String(parsed['resourceType']).slice(0, 40)} is not an Encounter or a Bundle of them`,
        ),
      ],
    };
  }
  const bundle = parsed as unknown as Bundle;
  if (!Array.isArray(bundle.entry)) {
    return {
      readable: false,
      errors: [fieldError('entry', 'no-encounter', 'the Bundle has no entry array')],
    };
  }
  const located: (Located & { fullUrl?: string })[] = [];
  const encounters: { encounter: Encounter; index: number }[] = [];
  bundle.entry.forEach((entry: BundleEntry, index: number) => {
    const resource = (isObject(entry) ? entry['resource'] : undefined) as Resource | undefined;
    if (!isObject(resource) || typeof resource['resourceType'] !== 'string') return;
    const fullUrl = text(entry.fullUrl);
    located.push({
      resource,
      path: `entry[${index}].resource`,
      ...(fullUrl ? { fullUrl } : {}),
    });
    if (resource.resourceType === 'Encounter') encounters.push({ encounter: resource, index });
  });
  if (encounters.length === 0) {
    return {
      readable: false,
      errors: [fieldError('entry', 'no-encounter', 'the Bundle holds no Encounter')],
    };
  }
  if (encounters.length > MAX_ITEMS_PER_BODY) {
    return {
      readable: false,
      errors: [
        fieldError(
          'entry',
          'invalid-field',
          `a Bundle holds at most ${MAX_ITEMS_PER_BODY} Encounters, this one ${encounters.length}`,
        ),
      ],
    };
  }
  const resolver = new ReferenceResolver(located);
  return {
    readable: true,
    items: encounters.map(({ encounter, index }) =>
      mapEncounter(encounter, index, `entry[${index}].resource.`, resolver, context),
    ),
  };
}
