import { createHash, randomUUID } from 'node:crypto';
import { AuditTrail } from '@careloop/audit';
import type { AppointmentCompletedV1 } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { TenantTransactions } from '@careloop/persistence';
import type { Principal } from '@careloop/security';
import { Injectable } from '@nestjs/common';
import type {
  AcceptedAppointment,
  IntakeResponse,
  RejectedAppointment,
} from './dto/intake.response';
import type { IntakeRecord } from './intake.repository';
import { IntakeRepository } from './intake.repository';
import type {
  IntakeFieldError,
  IntakeFormat,
  MappedBody,
  MappedItem,
  MappingContext,
} from './intake.types';

export type IntakeResult =
  { readable: true; response: IntakeResponse } | { readable: false; errors: IntakeFieldError[] };

type AcceptedItem = Extract<MappedItem, { ok: true }>;

function payloadHash(appointment: AppointmentCompletedV1): string {
  return createHash('sha256').update(JSON.stringify(appointment)).digest('hex');
}

/**
 * Turns mapped items into `appointment.completed` events: each new (org, appointment id) gets an
 * intake record and its event in one transaction; a known one is answered as a duplicate with no
 * event. Rejected items write nothing. Every call is audited (counts only, never patient data).
 */
@Injectable()
export class IntakeService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly repository: IntakeRepository,
    private readonly outbox: OutboxWriter,
    private readonly auditTrail: AuditTrail,
  ) {}

  /**
   * How a body of this org is read: times without an offset in the zone the request names, else
   * the organization's (its settings), else as UTC with a warning per item; national phone
   * numbers in the organization's phone region.
   */
  async mappingContext(
    orgId: string,
    requestedTimezone: string | undefined,
  ): Promise<MappingContext> {
    const defaults = await this.transactions.inTenant(orgId, (manager) =>
      this.repository.organizationDefaults(manager, orgId),
    );
    const timezone = requestedTimezone ?? defaults.timezone;
    return {
      orgId,
      ...(timezone !== undefined ? { timezone } : {}),
      ...(defaults.phoneRegion !== undefined ? { phoneRegion: defaults.phoneRegion } : {}),
    };
  }

  async receive(caller: Principal, format: IntakeFormat, body: MappedBody): Promise<IntakeResult> {
    const orgId = caller.orgId;
    const batchId = randomUUID();
    if (!body.readable) {
      await this.transactions.inTenant(orgId, (manager) =>
        this.audit(manager, orgId, batchId, format, {
          items: 0,
          accepted: 0,
          duplicates: 0,
          rejected: 0,
        }),
      );
      return { readable: false, errors: body.errors };
    }

    const rejected: RejectedAppointment[] = [];
    const candidates: AcceptedItem[] = [];
    const repeatedInBody: AcceptedItem[] = [];
    const seen = new Set<string>();
    for (const item of body.items) {
      if (!item.ok) {
        rejected.push({
          index: item.index,
          ...(item.externalId !== undefined ? { externalId: item.externalId } : {}),
          errors: item.errors,
        });
      } else if (seen.has(item.appointment.externalAppointmentId)) {
        repeatedInBody.push(item);
      } else {
        seen.add(item.appointment.externalAppointmentId);
        candidates.push(item);
      }
    }
    const receivedBy = caller.clientId ?? caller.userId ?? 'unknown';
    const records = candidates.map((item): IntakeRecord => ({
      externalAppointmentId: item.appointment.externalAppointmentId,
      eventId: randomUUID(),
      format,
      payloadHash: payloadHash(item.appointment),
      receivedBy,
    }));

    const written = await this.transactions.inTenant(orgId, async (manager) => {
      const fresh = await this.write(manager, orgId, candidates, records);
      await this.audit(manager, orgId, batchId, format, {
        items: body.items.length,
        accepted: fresh.size,
        duplicates: candidates.length - fresh.size + repeatedInBody.length,
        rejected: rejected.length,
      });
      return fresh;
    });

    const accepted: AcceptedAppointment[] = [
      ...candidates.map((item, position) => {
        const record = records[position] as IntakeRecord;
        const isNew = written.has(record.externalAppointmentId);
        return {
          index: item.index,
          externalId: record.externalAppointmentId,
          ...(isNew ? { eventId: record.eventId } : { duplicate: true }),
          ...(item.warnings.length > 0 ? { warnings: item.warnings } : {}),
        };
      }),
      ...repeatedInBody.map((item) => ({
        index: item.index,
        externalId: item.appointment.externalAppointmentId,
        duplicate: true,
        ...(item.warnings.length > 0 ? { warnings: item.warnings } : {}),
      })),
    ].sort((a, b) => a.index - b.index);
    return { readable: true, response: { accepted, rejected } };
  }

  /** Records and events: one statement for a single appointment, two for a batch. */
  private async write(
    manager: Parameters<Parameters<TenantTransactions['inTenant']>[1]>[0],
    orgId: string,
    items: readonly AcceptedItem[],
    records: readonly IntakeRecord[],
  ): Promise<Set<string>> {
    const [only] = records;
    if (records.length === 1 && only && items[0]) {
      const appended = await this.outbox.appendWith(
        manager,
        this.repository.recordStatement(orgId, only),
        EventTypes.AppointmentCompleted,
        {
          subject: only.externalAppointmentId,
          orgId,
          data: items[0].appointment,
          id: only.eventId,
        },
      );
      return appended ? new Set([only.externalAppointmentId]) : new Set();
    }
    const fresh = await this.repository.recordMany(manager, orgId, records);
    await this.outbox.appendMany(
      manager,
      EventTypes.AppointmentCompleted,
      items
        .map((item, position) => ({ item, record: records[position] as IntakeRecord }))
        .filter(({ record }) => fresh.has(record.externalAppointmentId))
        .map(({ item, record }) => ({
          subject: record.externalAppointmentId,
          orgId,
          data: item.appointment,
          id: record.eventId,
        })),
    );
    return fresh;
  }

  private audit(
    manager: Parameters<Parameters<TenantTransactions['inTenant']>[1]>[0],
    orgId: string,
    batchId: string,
    format: IntakeFormat,
    counts: { items: number; accepted: number; duplicates: number; rejected: number },
  ): Promise<void> {
    return this.auditTrail.record(manager, {
      orgId,
      action: 'appointment.intake.received',
      target: { type: 'intake_batch', id: batchId },
      outcome: counts.accepted + counts.duplicates > 0 ? 'success' : 'failure',
      metadata: { format, ...counts },
    });
  }
}
