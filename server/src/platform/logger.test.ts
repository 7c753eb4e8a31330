import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../test/harness/log-capture.ts';
import { createLogger, SecretScrubber, scrubUrl } from './logger.ts';

function setup() {
  const logs = new LogCapture();
  const scrubber = new SecretScrubber();
  const logger = createLogger({ level: 'info', scrubber, destination: logs });
  return { logs, scrubber, logger };
}

describe('logger', () => {
  it('redacts credential fields by name, at any depth we log', () => {
    const { logs, logger } = setup();
    logger.info(
      { req: { headers: { authorization: 'tma user=1&hash=abc' } }, token: 'eyJtoken', credential: { secret: 's3cret-value' } },
      'x',
    );
    expect(logs.text).not.toMatch(/hash=abc|eyJtoken|s3cret-value/);
    expect(logs.events()[0]).toMatchObject({ token: '[REDACTED]', credential: { secret: '[REDACTED]' } });
  });

  it('removes known secret values wherever they appear, error messages and stacks included', () => {
    const { logs, scrubber, logger } = setup();
    const masterKey = Buffer.alloc(32, 9).toString('base64');
    scrubber.add(masterKey);
    logger.error({ err: new Error(`decrypt failed with key ${masterKey}`), note: `key=${masterKey}` }, `oops ${masterKey}`);
    expect(logs.text).not.toContain(masterKey);
    expect(logs.text).toContain('[REDACTED]');
  });

  it('strips credentials from URLs (SSE sends its connection params in the query)', () => {
    expect(scrubUrl('/trpc/tasks.onChange?input=1&connectionParams=%7B%22authorization%22%7D&x=2')).toBe(
      '/trpc/tasks.onChange?input=1&connectionParams=[REDACTED]&x=2',
    );
  });

  it('leaves short strings alone so ordinary words survive', () => {
    const { logs, scrubber, logger } = setup();
    scrubber.add('abc');
    logger.info('abc is fine');
    expect(logs.text).toContain('abc is fine');
  });
});

describe('secret scrubber', () => {
  it('never breaks a line\'s JSON, even for a "secret" that looks like JSON', () => {
    const { logs, scrubber, logger } = setup();
    scrubber.add('"service":"slotpilot"');
    scrubber.add('slotpilot","pid');
    logger.info({ event: 'x', note: 'says "service":"slotpilot" inside' }, 'hello');
    logger.error(new Error('boom "service":"slotpilot"'));
    const lines = logs.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(logs.events()[0]).toMatchObject({ service: 'slotpilot', note: 'says [REDACTED] inside' });
    expect(logs.events()[1]).toMatchObject({ msg: 'boom [REDACTED]', err: { message: 'boom [REDACTED]' } });
  });

  it('holds a bounded number of secrets; pinned ones stay', () => {
    const scrubber = new SecretScrubber({ capacity: 100 });
    scrubber.pin('master-key-0123456789');
    for (let i = 0; i < 1_000; i++) scrubber.add(`junk-secret-${i}-xxxxxxxx`);
    expect(scrubber.size).toBe(101);
    expect(scrubber.scrub('a master-key-0123456789 b')).toBe('a [REDACTED] b');
    expect(scrubber.scrub('junk-secret-999-xxxxxxxx')).toBe('[REDACTED]');
    expect(scrubber.scrub('junk-secret-0-xxxxxxxx')).toBe('junk-secret-0-xxxxxxxx');
  });
});
