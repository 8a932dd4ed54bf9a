import type { AppointmentPatientV1 } from '@careloop/contracts';
import type { PiiCipher } from '@careloop/security';
import { normaliseEmail, normalisePhone } from '@careloop/security';

/** Blind indexes of one patient, per organization: equal inputs give equal indexes only within an org. */
export interface PatientIndexes {
  /** Of the clinic system's patient id: who "the same patient" is for re-survey suppression. */
  patient: string;
  email?: string;
  phone?: string;
}

export interface SealedContact {
  name?: string;
  email?: string;
  phone?: string;
}

export type ContactField = keyof SealedContact;

/**
 * Patient contact data at rest (DESIGN.md §5): AES-256-GCM through PiiCipher, each value bound to
 * its org and field (additional data), and HMAC blind indexes for look-ups. The org id is part of
 * every indexed value, so one patient's indexes cannot be joined across organizations.
 * Staff features (opt-out list, erasure) must compute indexes through this class to find rows.
 */
export class PatientContactProtector {
  constructor(private readonly cipher: PiiCipher) {}

  indexesOf(
    orgId: string,
    patient: Pick<AppointmentPatientV1, 'externalId' | 'email' | 'phone'>,
  ): PatientIndexes {
    const indexes: PatientIndexes = {
      patient: this.cipher.blindIndex(`${orgId}\u0000${patient.externalId.trim()}`, 'org_patient'),
    };
    if (patient.email !== undefined) indexes.email = this.emailIndex(orgId, patient.email);
    if (patient.phone !== undefined) indexes.phone = this.phoneIndex(orgId, patient.phone);
    return indexes;
  }

  emailIndex(orgId: string, email: string): string {
    return this.cipher.blindIndex(`${orgId}\u0000${normaliseEmail(email)}`, 'org_email');
  }

  phoneIndex(orgId: string, phone: string): string {
    return this.cipher.blindIndex(`${orgId}\u0000${normalisePhone(phone)}`, 'org_phone');
  }

  seal(orgId: string, contact: SealedContact): SealedContact {
    const sealed: SealedContact = {};
    for (const field of ['name', 'email', 'phone'] as const) {
      const value = contact[field];
      if (value !== undefined) sealed[field] = this.cipher.encrypt(value, contextOf(orgId, field));
    }
    return sealed;
  }

  open(orgId: string, field: ContactField, sealed: string): string {
    return this.cipher.decrypt(sealed, contextOf(orgId, field));
  }
}

function contextOf(orgId: string, field: ContactField): string {
  return `${orgId}:patient.${field}`;
}
