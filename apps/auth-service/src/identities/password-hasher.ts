import { hash, verify } from '@node-rs/argon2';
import { Injectable } from '@nestjs/common';

/**
 * OWASP's argon2id baseline (Password Storage Cheat Sheet): 19 MiB, 2 iterations, 1 lane.
 * `algorithm: 2` is Argon2id (the package's const enum cannot be imported under isolated modules).
 */
export const ARGON2ID_OPTIONS = {
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordHasher {
  /** A hash of nothing anyone knows, with the same cost, verified when the email is unknown. */
  private readonly dummyHash: Promise<string> = hash(
    `dummy-${Math.random()}-${Date.now()}`,
    ARGON2ID_OPTIONS,
  );

  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID_OPTIONS);
  }

  /**
   * Verifies against the stored hash, or against the dummy when there is none, so an unknown
   * email costs the same time as a wrong password (no account enumeration by timing).
   */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    const matches = await verify(storedHash ?? (await this.dummyHash), password).catch(() => false);
    return storedHash !== undefined && matches;
  }
}
