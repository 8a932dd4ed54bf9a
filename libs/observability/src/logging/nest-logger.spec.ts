import pino from 'pino';
import { PinoNestLogger } from './nest-logger';

function capture(level: pino.LevelWithSilent = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const logger = new PinoNestLogger(
    pino(
      { level },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    ),
  );
  return { logger, lines };
}

describe(PinoNestLogger.name, () => {
  it('should log a string with its Nest context as the message', () => {
    const { logger, lines } = capture();
    logger.log('ready', 'Bootstrap');
    expect(lines[0]).toMatchObject({ level: 30, msg: 'ready', context: 'Bootstrap' });
  });

  it('should log an object as fields', () => {
    const { logger, lines } = capture();
    logger.warn({ msg: 'draft not saved', error: 'timeout' }, 'RespondentService');
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'draft not saved',
      error: 'timeout',
      context: 'RespondentService',
    });
  });

  it("should keep Nest's error(message, stack, context) stack", () => {
    const { logger, lines } = capture();
    logger.error('boom', 'Error: boom\n    at x', 'ExceptionHandler');
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'boom',
      stack: 'Error: boom\n    at x',
      context: 'ExceptionHandler',
    });
  });

  it('should log an Error with its stack under err', () => {
    const { logger, lines } = capture();
    logger.error(new Error('broken'), 'Kafka');
    expect(lines[0]).toMatchObject({ msg: 'broken', context: 'Kafka' });
    expect((lines[0]!['err'] as { stack: string }).stack).toContain('broken');
  });

  it('should map verbose to trace and drop levels below the logger level', () => {
    const { logger, lines } = capture('debug');
    logger.verbose('chatty');
    logger.debug('useful');
    expect(lines.map((line) => line['msg'])).toEqual(['useful']);
  });
});
