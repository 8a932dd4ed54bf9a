import { createHash } from 'node:crypto';
import type { DeliveryChannel, DistributionRuleV1 } from '@careloop/contracts';

/** A live survey's latest version and its rules, as the projection keeps them. */
export interface LiveSurvey {
  surveyId: string;
  version: number;
  languages: string[];
  defaultLanguage: string;
  rules: DistributionRuleV1[];
}

export interface AppointmentFacts {
  type?: string;
  department?: string;
  site?: string;
  provider?: string;
}

export interface RuleMatch {
  survey: LiveSurvey;
  rule: DistributionRuleV1;
}

function sameCode(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** An absent or empty list matches anything; otherwise the appointment's value must be listed. */
function listAdmits(list: string[] | undefined, value: string | undefined): boolean {
  if (!list || list.length === 0) return true;
  return value !== undefined && list.some((entry) => sameCode(entry, value));
}

export function ruleMatches(rule: DistributionRuleV1, appointment: AppointmentFacts): boolean {
  const { match } = rule;
  return (
    listAdmits(match.appointmentTypes, appointment.type) &&
    listAdmits(match.departments, appointment.department) &&
    listAdmits(match.sites, appointment.site) &&
    listAdmits(match.providers, appointment.provider)
  );
}

/**
 * The matching rule with the lowest priority number over every live survey of the org. Ties go to
 * the lower survey id, then rule id, so the choice never depends on storage order.
 */
export function chooseRule(
  surveys: readonly LiveSurvey[],
  appointment: AppointmentFacts,
): RuleMatch | undefined {
  let best: RuleMatch | undefined;
  for (const survey of surveys) {
    for (const rule of survey.rules) {
      if (!ruleMatches(rule, appointment)) continue;
      if (
        !best ||
        rule.priority < best.rule.priority ||
        (rule.priority === best.rule.priority &&
          (survey.surveyId < best.survey.surveyId ||
            (survey.surveyId === best.survey.surveyId && rule.ruleId < best.rule.ruleId)))
      ) {
        best = { survey, rule };
      }
    }
  }
  return best;
}

/**
 * Where in 0..100 an appointment falls for sampling: a hash of org and appointment id, so a
 * redelivery, a replay or another replica decides the same, and appointments spread uniformly.
 */
export function samplingPoint(orgId: string, externalAppointmentId: string): number {
  const digest = createHash('sha256').update(`${orgId}\u0000${externalAppointmentId}`).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

export function isSampled(orgId: string, externalAppointmentId: string, percent: number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  return samplingPoint(orgId, externalAppointmentId) < percent;
}

export interface ReachableContact {
  email?: string;
  phone?: string;
}

/** The rule's first channel that the org enables and the patient can be reached on. */
export function chooseChannel(
  preferred: readonly DeliveryChannel[],
  enabled: readonly DeliveryChannel[],
  contact: ReachableContact,
): DeliveryChannel | undefined {
  return preferred.find(
    (channel) =>
      enabled.includes(channel) &&
      (channel === 'email' ? contact.email !== undefined : contact.phone !== undefined),
  );
}

function primaryOf(language: string): string {
  return (language.split('-')[0] ?? language).toLowerCase();
}

function offered(languages: readonly string[], wanted: string): string | undefined {
  return (
    languages.find((language) => language.toLowerCase() === wanted.toLowerCase()) ??
    languages.find((language) => primaryOf(language) === primaryOf(wanted))
  );
}

/** The patient's language if the survey has it (or its primary language), else the org's, else the survey's. */
export function chooseLanguage(
  survey: Pick<LiveSurvey, 'languages' | 'defaultLanguage'>,
  patientLanguage: string | undefined,
  orgDefaultLanguage: string,
): string {
  return (
    (patientLanguage !== undefined ? offered(survey.languages, patientLanguage) : undefined) ??
    offered(survey.languages, orgDefaultLanguage) ??
    survey.defaultLanguage
  );
}

const DAY = 24 * 3_600_000;

/**
 * The window of appointment end times within which an earlier invitation suppresses this one:
 * symmetric, so the decision does not depend on which of two appointments arrives first.
 */
export function suppressionWindow(
  appointmentEndedAt: number,
  suppressionDays: number,
): { from: Date; to: Date } | undefined {
  if (suppressionDays <= 0) return undefined;
  return {
    from: new Date(appointmentEndedAt - suppressionDays * DAY),
    to: new Date(appointmentEndedAt + suppressionDays * DAY),
  };
}
