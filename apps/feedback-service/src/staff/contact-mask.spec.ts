import { maskEmail, maskPhone } from './contact-mask';

describe('contact masks', () => {
  it.each([
    ['jeanne.martin@example.org', 'j***@example.org'],
    ['a@b.ch', 'a***@b.ch'],
    ['broken', '***'],
  ])('should mask the email %j as %j', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it.each([
    ['+41791234567', '+41*******67'],
    ['0612345678', '06******78'],
    ['123', '***'],
  ])('should mask the phone %j as %j', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});
