import { otplib } from './otplib.loader';

/** One 30 s step either side: authenticator clocks drift, users type slowly. */
const TOLERANCE_SECONDS = 30;

export function newTotpSecret(): string {
  return otplib.generateSecret({ length: 20 });
}

export function totpUri(secret: string, issuer: string, account: string): string {
  return otplib.generateURI({ issuer, label: account, secret });
}

/**
 * The time step of a valid code, or null. `afterTimeStep` refuses a code of a step already used
 * (replay protection, RFC 6238 §5.2).
 */
export async function verifyTotp(
  secret: string,
  code: string,
  afterTimeStep: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const result = await otplib.verify({
      secret,
      token: code,
      epochTolerance: TOLERANCE_SECONDS,
      ...(afterTimeStep !== null ? { afterTimeStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}
