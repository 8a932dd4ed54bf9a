import { isThrowawayTopic, uniqueSuffix } from './infrastructure';

describe('isThrowawayTopic', () => {
  it('should recognise the topics tests and benchmarks create under a unique prefix', () => {
    for (const prefix of ['sys', 't', 'bench', 'fs'])
      expect(isThrowawayTopic(`${prefix}${uniqueSuffix()}.appointment.completed.dlq`)).toBe(true);
  });

  it('should never take a deployment topic, with or without a deployment prefix', () => {
    expect(isThrowawayTopic('appointment.completed')).toBe(false);
    expect(isThrowawayTopic('__consumer_offsets')).toBe(false);
    expect(isThrowawayTopic('staging.survey.response.submitted')).toBe(false);
    expect(isThrowawayTopic('careloop-prod.appointment.completed')).toBe(false);
    // Twelve hex digits are needed: a short or non-hex suffix is someone's name.
    expect(isThrowawayTopic('sysdeadbeef.appointment.completed')).toBe(false);
  });
});
