import { randomUUID } from 'node:crypto';
import type {
  AppointmentCompletedV1,
  FeedbackSessionCreatedV1,
  SessionSkipReason,
} from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OptOutsRepository } from '../opt-outs/opt-outs.repository';
import { DEFAULT_ORG_SETTINGS } from '../projections/org-settings.defaults';
import { ProjectionsRepository } from '../projections/projections.repository';
import { RespondentTokens } from '../respondent/respondent-token';
import { FeedbackSettings } from './feedback-settings';
import { PatientContactProtector } from './patient-contact';
import { sendTimeOf } from './send-time';
import {
  chooseChannel,
  chooseLanguage,
  chooseRule,
  isSampled,
  suppressionWindow,
} from './session-rules';
import type { SkippedSessionRecord } from './sessions.repository';
import { SessionsRepository } from './sessions.repository';

const HOUR = 3_600_000;

export type SessionDecision =
  | { outcome: 'created'; sessionId: string }
  | { outcome: 'skipped'; sessionId: string; reason: SessionSkipReason };

/**
 * Decides, per completed appointment, whether the patient is invited: distribution rules, then
 * opt-out, contact and channel, re-survey suppression, sampling. Either way the decision is a
 * session row and an event (`feedback.session.created` or `.skipped`) in the caller's transaction.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly projections: ProjectionsRepository,
    private readonly optOuts: OptOutsRepository,
    private readonly contacts: PatientContactProtector,
    private readonly tokens: RespondentTokens,
    private readonly settings: FeedbackSettings,
    private readonly outbox: OutboxWriter,
  ) {}

  async openFromAppointment(
    manager: EntityManager,
    completed: AppointmentCompletedV1,
    now: Date = new Date(),
  ): Promise<SessionDecision> {
    const { orgId, externalAppointmentId, patient, appointment } = completed;
    const existing = await this.sessions.findIdByAppointment(manager, orgId, externalAppointmentId);
    if (existing) return this.duplicate(manager, completed, existing, now);

    const indexes = this.contacts.indexesOf(orgId, patient);
    const base = {
      sessionId: randomUUID(),
      externalAppointmentId,
      indexes,
      appointment: {
        ...(appointment.type !== undefined ? { type: appointment.type } : {}),
        ...(appointment.department !== undefined ? { department: appointment.department } : {}),
        ...(appointment.site !== undefined ? { site: appointment.site } : {}),
        ...(appointment.provider !== undefined ? { provider: appointment.provider } : {}),
        endedAt: appointment.endedAt,
      },
    };
    const skip = (reason: SessionSkipReason, chosen?: { surveyId: string; version: number }) =>
      this.skip(manager, orgId, completed, now, {
        ...base,
        reason,
        ...(chosen ? { surveyId: chosen.surveyId, surveyVersion: chosen.version } : {}),
      });

    const settings = (await this.projections.findSettings(manager, orgId)) ?? DEFAULT_ORG_SETTINGS;
    const match = chooseRule(await this.projections.liveSurveys(manager, orgId), appointment);
    if (!match) return skip('no_matching_rule');
    const { survey, rule } = match;
    if (await this.optOuts.isOptedOut(manager, orgId, indexes)) return skip('opted_out', survey);
    const channel = chooseChannel(rule.channels, settings.enabledChannels, patient);
    if (!channel) return skip('no_contact', survey);
    const endedAt = Date.parse(appointment.endedAt);
    const window = suppressionWindow(endedAt, settings.resurveySuppressionDays);
    if (window && (await this.sessions.invitedWithin(manager, orgId, indexes.patient, window))) {
      return skip('suppressed', survey);
    }
    if (!isSampled(orgId, externalAppointmentId, rule.samplingPercent)) {
      return skip('not_sampled', survey);
    }

    const timezone = appointment.timezone ?? settings.timezone;
    const sendAt = new Date(
      sendTimeOf({
        appointmentEndedAt: endedAt,
        invitationDelayMinutes: settings.invitationDelayMinutes,
        quietHours: settings.quietHours,
        timeZone: timezone,
        now: now.getTime(),
      }),
    );
    const expiresAt = new Date(sendAt.getTime() + settings.sessionLifetimeHours * HOUR);
    const language = chooseLanguage(survey, patient.language, settings.defaultLanguage);
    const { token, nonceDigest } = this.tokens.issue({
      orgId,
      sessionId: base.sessionId,
      expiresAt,
    });
    // The event carries only the chosen channel's contact: notification-service needs no more.
    const recipient: FeedbackSessionCreatedV1['recipient'] = {
      ...(patient.name !== undefined ? { name: patient.name } : {}),
      ...(channel === 'email' ? { email: patient.email } : { phone: patient.phone }),
    };
    const created: FeedbackSessionCreatedV1 = {
      sessionId: base.sessionId,
      orgId,
      surveyId: survey.surveyId,
      surveyVersion: survey.version,
      externalAppointmentId,
      channel,
      recipient,
      language,
      timezone,
      sendAt: sendAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      respondentUrl: this.settings.respondentUrl(token),
      ...(appointment.site !== undefined ? { site: appointment.site } : {}),
      ...(appointment.provider !== undefined ? { provider: appointment.provider } : {}),
    };
    const written = await this.outbox.appendWith(
      manager,
      this.sessions.openStatement(orgId, {
        ...base,
        surveyId: survey.surveyId,
        surveyVersion: survey.version,
        channel,
        language,
        timezone,
        sendAt,
        expiresAt,
        tokenNonceDigest: nonceDigest,
        sealed: this.contacts.seal(orgId, {
          ...(patient.name !== undefined ? { name: patient.name } : {}),
          ...(patient.email !== undefined ? { email: patient.email } : {}),
          ...(patient.phone !== undefined ? { phone: patient.phone } : {}),
        }),
      }),
      EventTypes.FeedbackSessionCreated,
      { subject: base.sessionId, orgId, data: created },
    );
    if (!written) return this.raceLost(manager, completed, now);
    return { outcome: 'created', sessionId: base.sessionId };
  }

  private async skip(
    manager: EntityManager,
    orgId: string,
    completed: AppointmentCompletedV1,
    now: Date,
    record: SkippedSessionRecord,
  ): Promise<SessionDecision> {
    const written = await this.outbox.appendWith(
      manager,
      this.sessions.skippedStatement(orgId, record),
      EventTypes.FeedbackSessionSkipped,
      {
        subject: record.sessionId,
        orgId,
        data: {
          sessionId: record.sessionId,
          orgId,
          externalAppointmentId: record.externalAppointmentId,
          reason: record.reason,
          ...(record.surveyId !== undefined ? { surveyId: record.surveyId } : {}),
          ...(record.surveyVersion !== undefined ? { surveyVersion: record.surveyVersion } : {}),
          skippedAt: now.toISOString(),
          ...(record.appointment.site !== undefined ? { site: record.appointment.site } : {}),
          ...(record.appointment.provider !== undefined
            ? { provider: record.appointment.provider }
            : {}),
        },
      },
    );
    if (!written) return this.raceLost(manager, completed, now);
    return { outcome: 'skipped', sessionId: record.sessionId, reason: record.reason };
  }

  /**
   * The appointment already has a session (a resend with a new event id, or both intake paths):
   * no second session; the skip names the existing one so staff can see the repeat.
   */
  private async duplicate(
    manager: EntityManager,
    completed: AppointmentCompletedV1,
    existingSessionId: string,
    now: Date,
  ): Promise<SessionDecision> {
    const { orgId, externalAppointmentId, appointment } = completed;
    await this.outbox.append(manager, EventTypes.FeedbackSessionSkipped, {
      subject: existingSessionId,
      orgId,
      data: {
        sessionId: existingSessionId,
        orgId,
        externalAppointmentId,
        reason: 'duplicate',
        skippedAt: now.toISOString(),
        detail: 'the appointment already has a feedback session',
        ...(appointment.site !== undefined ? { site: appointment.site } : {}),
        ...(appointment.provider !== undefined ? { provider: appointment.provider } : {}),
      },
    });
    return { outcome: 'skipped', sessionId: existingSessionId, reason: 'duplicate' };
  }

  /** Another transaction created the appointment's session between our look-up and insert. */
  private async raceLost(
    manager: EntityManager,
    completed: AppointmentCompletedV1,
    now: Date,
  ): Promise<SessionDecision> {
    const existing = await this.sessions.findIdByAppointment(
      manager,
      completed.orgId,
      completed.externalAppointmentId,
    );
    if (!existing) throw new Error('session insert conflicted but no session exists');
    this.logger.log({ msg: 'concurrent session for one appointment', sessionId: existing });
    return this.duplicate(manager, completed, existing, now);
  }
}
