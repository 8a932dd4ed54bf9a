import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { intakeCorpusDirectory } from '@careloop/testing';
import { mapFhirBody } from './fhir-encounter.mapper';
import { mapHl7v2Body } from './hl7v2-adt.mapper';
import type { MappedBody } from './intake.types';

// The shared corpus of real FHIR R4 and HL7 v2 messages lives beside the repository, never in it
// (several files carry their own licences). CI runs on this machine, so its absence is a failure.
const corpus = intakeCorpusDirectory();
const orgId = '6f1c1b9e-3f0e-4a8e-9c51-0a4b0f1f1e2a';

interface CorpusEntry {
  file: string;
  expected: string;
}

function manifest(): CorpusEntry[] {
  const file = path.join(corpus, 'MANIFEST.tsv');
  if (!existsSync(file)) {
    throw new Error(
      `The intake corpus is missing: expected ${file} (../shared/corpus/intake from the repository root)`,
    );
  }
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [name = '', , , expected = ''] = line.split('\t');
      return { file: name, expected };
    });
}

function mapFile(file: string): MappedBody {
  const bytes = readFileSync(path.join(corpus, file), 'utf8');
  return file.startsWith('fhir/') ? mapFhirBody(bytes, { orgId }) : mapHl7v2Body(bytes, { orgId });
}

function acceptedIds(body: MappedBody): string[] {
  return body.readable
    ? body.items.flatMap((item) => (item.ok ? [item.appointment.externalAppointmentId] : []))
    : [];
}

function rejectionReasons(body: MappedBody): string[][] {
  if (!body.readable) return [body.errors.map((error) => error.reason)];
  return body.items.flatMap((item) => (item.ok ? [] : [item.errors.map((error) => error.reason)]));
}

// The manifest allows another wording for this file: "reason may equally be reported as malformed".
const alsoAcceptedReasons: Record<string, string> = {
  'hl7v2/a08_v25_pointclickcare_file_named_A03_bad_msh2.hl7': 'malformed',
};

// Appointment and patient ids per accepted file, as MANIFEST.tsv's key_fields list them.
const expectedIds: Record<string, [string, string][]> = {
  'fhir/bundle_transaction_synthea2019_clemente_kreiger_zh.json': [
    ['afcee359-ffbb-4ae0-b54f-547eb3c58e68', '1484a42d-0eaf-4654-9cbf-6b050a5cd73b'],
    ['f9c14be1-c91b-4dbd-b835-cd3fcd49afe8', '1484a42d-0eaf-4654-9cbf-6b050a5cd73b'],
    ['2e0cc97b-c879-4762-bb5c-7127e44d7daa', '1484a42d-0eaf-4654-9cbf-6b050a5cd73b'],
  ],
  'fhir/bundle_message_davinci_discharge_notification.json': [
    ['Elden718Halvorson12420181021T2122150700', '06e1f0dd-5fbe-4480-9bb4-6b54ec02d31b'],
  ],
  'fhir/bundle_message_medcom_dk_discharge_home_finished.json': [
    ['f405ba2d-467a-4e92-9acc-9dc2a629760f', '2509479989'],
  ],
  'fhir/bundle_transaction_synthea_master_sample_complete_patient_TRIMMED.json': [
    ['3699e7e7-8b1b-4a68-8011-e7a166598566', 'd5582579-7193-4866-5560-a01e723b6552'],
    ['39ed6877-e739-12f8-1fae-f88933a96d26', 'd5582579-7193-4866-5560-a01e723b6552'],
  ],
  'hl7v2/a03_v25_hapi_lodi.hl7': [['2008003369', '5520255']],
  'hl7v2/a03_v28_microsoft_full_segments.hl7': [['40007716', 'PATID1234']],
  'hl7v2/a03_v26_linuxforhealth_mixed_cr_lf.hl7': [['VisitNumber', '1234']],
  'hl7v2/a03_v25_ihe_pam_fr_zsegments.hl7': [['70101010', '5001000671']],
  'hl7v2/a03_v24_uclh_emap_epic.hl7': [['123412341234', '40800000']],
  'hl7v2/DERIVED_mllp_stream_uclh_emap_moves_7_messages.hl7': [['123412341234', '40800000']],
  'hl7v2/DERIVED_concat_3_messages_mixed_separators.hl7': [
    ['2008003369', '5520255'],
    ['123412341234', '40800000'],
  ],
};

describe('intake corpus (../shared/corpus/intake)', () => {
  const entries = manifest();

  it('should hold the 37 files the README lists', () => {
    expect(entries).toHaveLength(37);
  });

  it.each(entries.map((entry) => [entry.file, entry.expected] as const))(
    'should give %s its expected outcome (%s)',
    (file, expected) => {
      const body = mapFile(file);
      const accepted = acceptedIds(body);
      const reasons = rejectionReasons(body);
      const acceptMatch = /^accept:(\d+)/.exec(expected);
      const partial = /^partial: accept:(\d+) \+ reject:([a-z0-9-]+) x(\d+)$/.exec(expected);
      if (expected === 'accept:1|reject:no-visit-id') {
        expect(accepted.length === 1 || reasons.flat().includes('no-visit-id')).toBe(true);
      } else if (partial) {
        expect(accepted).toHaveLength(Number(partial[1]));
        expect(reasons).toHaveLength(Number(partial[3]));
        for (const item of reasons) expect(item).toContain(partial[2]);
      } else if (acceptMatch) {
        expect(reasons).toEqual([]);
        expect(accepted).toHaveLength(Number(acceptMatch[1]));
      } else {
        const kind = /^reject:([a-z0-9-]+)/.exec(expected)?.[1];
        expect(kind).toBeDefined();
        expect(accepted).toEqual([]);
        expect(reasons.length).toBeGreaterThan(0);
        for (const item of reasons) {
          expect(
            item.includes(kind as string) || item.includes(alsoAcceptedReasons[file] ?? '-'),
          ).toBe(true);
        }
      }
      const ids = expectedIds[file];
      if (ids && body.readable) {
        const mapped = body.items.flatMap((item) =>
          item.ok
            ? [[item.appointment.externalAppointmentId, item.appointment.patient.externalId]]
            : [],
        );
        expect(mapped).toEqual(ids);
      }
    },
  );

  it("should read the key values of the Da Vinci discharge, not the practitioner's contact", () => {
    const body = mapFile('fhir/bundle_message_davinci_discharge_notification.json');
    const item = body.readable ? body.items.find((candidate) => candidate.ok) : undefined;
    expect(item?.ok && item.appointment).toMatchObject({
      patient: { name: 'Elden718 Halvorson124', language: 'en-US' },
      appointment: {
        startedAt: '2018-10-21T21:22:15-07:00',
        endedAt: '2018-10-23T22:22:15-07:00',
        site: 'HOLY FAMILY HOSPITAL',
        provider: 'Dr. Janeth814 Jakubowski832',
      },
    });
    expect(item?.ok && item.appointment.patient.email).toBeUndefined();
  });

  it('should read HL7 offsets and times as sent (v2.8, +01:10)', () => {
    const body = mapFile('hl7v2/a03_v28_microsoft_full_segments.hl7');
    const item = body.readable ? body.items[0] : undefined;
    expect(item?.ok && item.appointment.appointment).toMatchObject({
      startedAt: '2015-02-08T11:34:19+01:10',
      endedAt: '2015-02-09T11:34:19+01:10',
    });
    expect(item?.ok && item.appointment.patient).toMatchObject({
      name: 'ADAM A EVERYMAN',
      language: 'ara',
    });
  });

  it('should read times without offset in the zone the caller names', () => {
    const bytes = readFileSync(path.join(corpus, 'hl7v2/a03_v25_hapi_lodi.hl7'), 'utf8');
    const body = mapHl7v2Body(bytes, { orgId, timezone: 'Europe/Rome' });
    const item = body.readable ? body.items[0] : undefined;
    expect(item?.ok && item.appointment.appointment).toEqual({
      type: 'I',
      site: '6402DH',
      provider: '13936',
      endedAt: '2008-03-03T15:08:00+01:00',
      timezone: 'Europe/Rome',
    });
  });
});
