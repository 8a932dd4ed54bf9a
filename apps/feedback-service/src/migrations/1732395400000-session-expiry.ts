import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `feedback.session.expired` is announced once per expiry: `expiry_announced_at` marks a session
 * whose current expiry was handled (a reissued link clears it). Finding expired sessions is a sweep
 * across organizations, which the tenant policy forbids; a second, read-only policy lets a
 * transaction that declares itself the expiry sweep see exactly the rows it must handle, and
 * nothing else: each one is then updated under its own organization's binding.
 */
export class SessionExpiry1732395400000 implements MigrationInterface {
  name = 'SessionExpiry1732395400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE feedback_session ADD COLUMN expiry_announced_at timestamptz`,
    );
    await queryRunner.query(`
      CREATE INDEX feedback_session_expiry ON feedback_session (expires_at)
        WHERE status = 'open' AND expiry_announced_at IS NULL`);
    await queryRunner.query(`
      CREATE POLICY feedback_session_expiry_sweep ON feedback_session FOR SELECT
        USING (current_setting('app.sweep', true) = 'session-expiry'
               AND status = 'open' AND expiry_announced_at IS NULL AND expires_at <= now())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY feedback_session_expiry_sweep ON feedback_session`);
    await queryRunner.query(`DROP INDEX feedback_session_expiry`);
    await queryRunner.query(`ALTER TABLE feedback_session DROP COLUMN expiry_announced_at`);
  }
}
