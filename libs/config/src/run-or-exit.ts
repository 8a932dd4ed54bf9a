import { InvalidEnvironmentError } from './environment.loader';

/**
 * Runs a service's bootstrap; a bad environment or a failed start ends the process with exit code 1
 * and one plain line naming the cause, readable without a stack trace.
 */
export function runOrExit(serviceName: string, bootstrap: () => Promise<unknown>): void {
  bootstrap().catch((error: unknown) => {
    if (error instanceof InvalidEnvironmentError) {
      for (const problem of error.problems) {
        process.stderr.write(
          `${serviceName}: invalid environment variable ${problem.variable}: ${problem.reason}\n`,
        );
      }
    } else {
      process.stderr.write(
        `${serviceName}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  });
}
